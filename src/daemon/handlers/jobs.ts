// Actions on existing jobs: cancel, hold, release, update, redo, close.
import crypto from 'node:crypto';
import { findCycle } from '../../core/deps.js';
import { canTransition } from '../../core/transitions.js';
import type { CloseRequest, RedoRequest } from '../../protocol/api.js';
import { GflowError } from '../../protocol/errors.js';
import { dependsOf, type JobRow } from '../../store/jobs.js';
import { killSession } from '../../tmux/tmux.js';
import { validateUpdate } from '../validate.js';
import type { Answer, Ctx } from './context.js';

export function cancel(ctx: Ctx, id: number): Answer {
  const row = ctx.store.require(id);
  if (row.state === 'running') {
    if (!row.stop_request) ctx.scheduler.stop(id, 'cancel');
    return [202, { job: ctx.store.toJob(ctx.store.require(id)) }];
  }
  const done = ctx.store.transition(id, 'cancelled', { reason: 'cancelled by user', finishedAt: Date.now() });
  ctx.log.event(`job ${id} cancelled (was ${row.state})`);
  ctx.scheduler.requestPass();
  return [200, { job: ctx.store.toJob(done) }];
}

export function hold(ctx: Ctx, id: number): Answer {
  const row = ctx.store.transition(id, 'hold', { reason: 'held by user' });
  ctx.log.event(`job ${id} held`);
  return [200, { job: ctx.store.toJob(row) }];
}

export function release(ctx: Ctx, id: number): Answer {
  const row = ctx.store.transition(id, 'queued', { reason: null });
  ctx.log.event(`job ${id} released`);
  ctx.scheduler.requestPass();
  return [200, { job: ctx.store.toJob(row) }];
}

/** Removes the tmux sessions of ended jobs (kept after the end for inspection). */
export async function close(ctx: Ctx, body: unknown): Promise<Answer> {
  const req = (typeof body === 'object' && body !== null ? body : {}) as CloseRequest;
  let rows;
  if (req.allEnded === true) {
    rows = ctx.store.db.prepare("SELECT * FROM jobs WHERE state NOT IN ('queued','hold','running') AND session IS NOT NULL AND session_closed = 0").all() as JobRow[];
  } else if (Array.isArray(req.ids) && req.ids.length > 0 && req.ids.every((n) => Number.isSafeInteger(n) && n > 0)) {
    rows = req.ids.map((id) => ctx.store.require(id));
    const active = rows.find((r) => canTransition(r.state, 'cancelled'));
    if (active) throw new GflowError('conflict', `job ${active.id} is ${active.state}; only ended jobs' sessions can be closed`, `cancel it first with \`gflow cancel ${active.id}\``);
  } else {
    throw new GflowError('bad_request', 'give ids (positive job ids) or allEnded: true');
  }
  const closed: number[] = [];
  for (const r of rows) {
    if (r.session && (await killSession(r.session))) closed.push(r.id);
    ctx.store.markSessionClosed(r.id);
  }
  if (closed.length) ctx.log.event(`closed ${closed.length} job session(s)`);
  return [200, { closed }];
}

export function update(ctx: Ctx, id: number, body: unknown): Answer {
  const req = validateUpdate(body);
  const columns: Record<string, string | number | null> = {};
  if (req.name !== undefined) columns.name = req.name;
  if (req.priority !== undefined) columns.priority = req.priority;
  if (req.cpus !== undefined) columns.cpus = req.cpus;
  if (req.timeLimitSec !== undefined) columns.time_limit_sec = req.timeLimitSec;
  if (req.gpus !== undefined) columns.gpus = req.gpus;
  if (req.dependsMode !== undefined) columns.depends_mode = req.dependsMode;
  if (req.beginAt !== undefined) columns.begin_at = req.beginAt;
  if (req.maxRetries !== undefined) columns.max_retries = req.maxRetries;
  if (req.dependsOn !== undefined) {
    const known = ctx.store.statesOf(req.dependsOn);
    const missing = req.dependsOn.find((d) => !known.has(d));
    if (missing !== undefined) throw new GflowError('bad_request', `dependency ${missing} does not exist`);
    const cycle = findCycle(id, req.dependsOn, (j) => (ctx.store.get(j) ? dependsOf(ctx.store.get(j)!) : []));
    if (cycle) throw new GflowError('conflict', `dependency cycle: ${cycle.join(' → ')}`, 'a job cannot wait for itself');
    columns.depends_on = req.dependsOn.length ? JSON.stringify(req.dependsOn) : null;
  }
  const row = ctx.store.update(id, columns);
  ctx.log.event(`job ${id} updated: ${Object.keys(req).join(', ')}`);
  ctx.scheduler.requestPass();
  return [200, { job: ctx.store.toJob(row) }];
}

/**
 * Submits an ended job again. With `cascade`, the jobs that were cancelled because this one
 * failed are submitted again too, waiting on the new jobs instead of the old ones.
 */
export function redo(ctx: Ctx, id: number, body: unknown): Answer {
  const req = (typeof body === 'object' && body !== null ? body : {}) as RedoRequest;
  const created = ctx.store.db.transaction(() => {
    const first = ctx.store.require(id);
    if (canTransition(first.state, 'cancelled')) throw new GflowError('conflict', `cannot redo job ${id}: it is ${first.state}`, 'only ended jobs can be redone');
    const replaced = new Map<number, number>();
    const out: JobRow[] = [];
    const again = (row: JobRow): void => {
      const spec = ctx.store.specOf(row);
      const deps = spec.dependsOn.map((d) => replaced.get(d) ?? d);
      const next = ctx.store.insert({ ...spec, dependsOn: deps, attempt: 0, retriedFrom: null, redoneFrom: row.id, token: crypto.randomBytes(16).toString('hex') }, Date.now());
      replaced.set(row.id, next.id);
      out.push(next);
      if (!req.cascade) return;
      const victims = ctx.store.db.prepare("SELECT * FROM jobs WHERE state = 'cancelled' AND reason = ?").all(`dependency ${row.id} failed`) as JobRow[];
      for (const v of victims) if (!replaced.has(v.id)) again(v);
    };
    again(first);
    return out;
  })();
  ctx.log.event(`job ${id} redone as ${created.map((r) => r.id).join(', ')}`);
  ctx.scheduler.requestPass();
  return [201, { job: ctx.store.toJob(created[0]!), jobs: created.map((r) => ctx.store.toJob(r)) }];
}
