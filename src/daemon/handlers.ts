// What each API route does. Handlers return [status, body] or throw a GflowError; the
// server turns both into JSON.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Paths } from '../config/paths.js';
import { canTransition } from '../core/transitions.js';
import { GflowError } from '../protocol/errors.js';
import type { CloseRequest } from '../protocol/api.js';
import type { JobStore } from '../store/jobs.js';
import { killSession } from '../tmux/tmux.js';
import type { Logger } from './logger.js';
import type { Scheduler } from './scheduler.js';
import { validateSubmit } from './validate.js';

export interface Ctx {
  store: JobStore;
  paths: Paths;
  log: Logger;
  scheduler: Scheduler;
}

export type Answer = [status: number, body: unknown];

export function submit(ctx: Ctx, body: unknown): Answer {
  const req = validateSubmit(body);
  const row = ctx.store.db.transaction(() => {
    const inserted = ctx.store.insert(
      {
        name: req.name ?? null,
        user: req.user,
        command: req.command ?? null,
        script: req.script ?? null,
        cwd: req.cwd,
        env: req.env,
        priority: req.priority ?? 0,
        cpus: req.cpus ?? 1,
        timeLimitSec: req.timeLimitSec ?? null,
        hold: req.hold ?? false,
        token: crypto.randomBytes(16).toString('hex'),
      },
      Date.now(),
    );
    if (req.scriptText === undefined) return inserted;
    // A script read from stdin is kept with the job, so the job runs what was submitted.
    const file = path.join(ctx.paths.jobsDir, String(inserted.id), 'script');
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, req.scriptText, { mode: 0o700 });
    ctx.store.db.prepare('UPDATE jobs SET script = ? WHERE id = ?').run(file, inserted.id);
    return ctx.store.require(inserted.id);
  })();
  ctx.log.event(`job ${row.id} submitted by ${row.user}${row.name ? ` (${row.name})` : ''}: ${describe(row.command, row.script)}`);
  ctx.scheduler.requestPass();
  return [201, { job: ctx.store.toJob(row) }];
}

function describe(command: string | null, script: string | null): string {
  const text = command ? (JSON.parse(command) as string[]).join(' ') : `script ${script}`;
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

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
    rows = ctx.store.db.prepare("SELECT * FROM jobs WHERE state NOT IN ('queued','hold','running') AND session IS NOT NULL AND session_closed = 0").all() as ReturnType<JobStore['require']>[];
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
