// Actions on existing jobs: cancel, hold, release, update, redo, close.
import crypto from 'node:crypto';
import { findCycle } from '../../core/deps.js';
import { specOf, type JobRecord } from '../../core/job.js';
import { checkWarnSignal } from '../../core/signals.js';
import { canTransition } from '../../core/transitions.js';
import type { CloseRequest, JobActionsRequest, JobActionsResponse, RedoRequest } from '../../protocol/api.js';
import type { Job } from '../../protocol/job.js';
import { GflowError, toGflowError } from '../../protocol/errors.js';
import { readRegular } from '../../config/safe-file.js';
import { environment, validateUpdate } from '../validate.js';
import { resolveDeps } from './submit-deps.js';
import { admitWaiting } from './admission.js';
import { assertOwner, type Caller } from '../../identity/caller.js';
import type { Answer, Ctx } from './context.js';
import { afterBurst } from '../memory-return.js';

export function cancel(ctx: Ctx, caller: Caller, id: number, _body?: unknown): Answer {
  const job = ctx.store.require(id);
  assertOwner(caller, job);
  if (job.state === 'running') {
    if (!job.stopRequest) ctx.scheduler.stop(id, 'cancel');
    return [202, { job: ctx.store.toJob(ctx.store.require(id)) }];
  }
  const done = ctx.store.transition(id, 'cancelled', { reason: 'cancelled by user', finishedAt: Date.now() });
  ctx.store.dropEnvironment(id);
  ctx.log.event(`job ${id} cancelled (was ${job.state})`);
  ctx.scheduler.requestPass();
  return [200, { job: ctx.store.toJob(done) }];
}

export function hold(ctx: Ctx, caller: Caller, id: number, _body?: unknown): Answer {
  assertOwner(caller, ctx.store.require(id));
  const job = ctx.store.transition(id, 'hold', { reason: 'held by user' });
  ctx.log.event(`job ${id} held`);
  return [200, { job: ctx.store.toJob(job) }];
}

export function release(ctx: Ctx, caller: Caller, id: number, body?: unknown): Answer {
  const held = ctx.store.require(id);
  assertOwner(caller, held);
  if (held.state !== 'hold') throw new GflowError('conflict', `cannot release job ${id}: it is ${held.state}`, 'only held jobs can be released');
  // --at: released now, to start no earlier than then (its begin time).
  const at = (typeof body === 'object' && body !== null ? (body as { at?: unknown }).at : undefined) ?? undefined;
  if (at !== undefined && !(Number.isSafeInteger(at) && (at as number) >= 0)) throw new GflowError('bad_request', "invalid field 'at': expected ms since the epoch");
  const job = ctx.store.atomically(() => {
    if (at !== undefined) ctx.store.update(id, { beginAt: at as number });
    return ctx.store.transition(id, 'queued', { reason: null });
  });
  ctx.log.event(`job ${id} released${at !== undefined ? ` to start at ${new Date(at as number).toISOString()}` : ''}`);
  ctx.scheduler.requestPass();
  return [200, { job: ctx.store.toJob(job) }];
}

const MAX_BATCH = 100_000;

/**
 * cancel, hold or release many jobs in one transaction. Each job is acted on in a savepoint of
 * its own: one that cannot be (not yours, already ended) is reported and leaves no trace, and
 * the others go on.
 */
export function jobActions(ctx: Ctx, caller: Caller, body: unknown): Answer {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Partial<JobActionsRequest>;
  const act = b.action === 'cancel' ? cancel : b.action === 'hold' ? hold : b.action === 'release' ? release : undefined;
  if (!act) throw new GflowError('bad_request', "invalid field 'action': expected cancel, hold or release");
  if (!Array.isArray(b.ids) || b.ids.length === 0 || b.ids.length > MAX_BATCH || !b.ids.every((n) => Number.isSafeInteger(n) && n > 0)) {
    throw new GflowError('bad_request', `invalid field 'ids': expected 1 to ${MAX_BATCH} job ids`);
  }
  const extra = b.at !== undefined ? { at: b.at } : undefined;
  const results: JobActionsResponse['results'] = ctx.store.atomically(() =>
    [...new Set(b.ids)].map((id) => {
      try {
        const [, answer] = ctx.store.db.transaction(() => act(ctx, caller, id, extra))();
        return { id, job: (answer as { job: Job }).job };
      } catch (err) {
        const e = toGflowError(err);
        if (e.code === 'internal') throw e;
        return { id, error: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) } };
      }
    }),
  );
  afterBurst(results.length);
  return [200, { results }];
}

/** Removes what ended jobs left for inspection (their tmux sessions). */
export async function close(ctx: Ctx, caller: Caller, body: unknown): Promise<Answer> {
  const req = (typeof body === 'object' && body !== null ? body : {}) as CloseRequest;
  let jobs: JobRecord[];
  if (req.allEnded === true) {
    jobs = ctx.store.endedWithSession().filter((j) => caller.admin || j.uid === caller.uid);
  } else if (Array.isArray(req.ids) && req.ids.length > 0 && req.ids.every((n) => Number.isSafeInteger(n) && n > 0)) {
    jobs = req.ids.map((id) => ctx.store.require(id));
    for (const j of jobs) assertOwner(caller, j);
    const active = jobs.find((r) => canTransition(r.state, 'cancelled'));
    if (active) throw new GflowError('conflict', `job ${active.id} is ${active.state}; only ended jobs' sessions can be closed`, `cancel it first with \`gflow cancel ${active.id}\``);
  } else {
    throw new GflowError('bad_request', 'give ids (positive job ids) or allEnded: true');
  }
  const closed: number[] = [];
  for (const job of jobs) {
    if (await ctx.executor.dispose(job)) closed.push(job.id);
    ctx.store.mark(job.id, 'sessionClosed');
  }
  if (closed.length) ctx.log.event(`closed ${closed.length} job session(s)`);
  return [200, { closed }];
}

export function update(ctx: Ctx, caller: Caller, id: number, body: unknown): Answer {
  const patch = validateUpdate(body);
  const current = ctx.store.require(id);
  assertOwner(caller, current);
  // A shorter time limit must still leave room for the job's warning signal.
  if (typeof patch.timeLimitSec === 'number' && current.warnBeforeSec !== null) checkWarnSignal(current.warnBeforeSec, patch.timeLimitSec);
  if (patch.dependsOn !== undefined) {
    const deps = resolveDeps(ctx.store, patch);
    if (deps.corr.length) throw new GflowError('bad_request', 'aftercorr is given at submit only', 'use afterok, or submit the array again');
    patch.dependsOn = deps.fixed.dependsOn ?? [];
    patch.dependsKinds = deps.fixed.dependsKinds?.some((k) => k !== 'afterok') ? deps.fixed.dependsKinds : null;
    const cycle = findCycle(id, patch.dependsOn, (j) => ctx.store.get(j)?.dependsOn ?? []);
    if (cycle) throw new GflowError('conflict', `dependency cycle: ${cycle.join(' → ')}`, 'a job cannot wait for itself');
  }
  const job = ctx.store.update(id, patch);
  ctx.log.event(`job ${id} updated: ${Object.keys(patch).join(', ')}`);
  ctx.scheduler.requestPass();
  return [200, { job: ctx.store.toJob(job) }];
}

function keptScript(id: number, file: string, owner: number | null): string {
  const text = readRegular(file, 1024 * 1024, 0, owner ?? undefined)?.toString('utf8');
  if (text === undefined) throw new GflowError('conflict', `the script job ${id} ran is gone (cleaned up?)`, 'submit the script again with `gflow submit`');
  return text;
}

/**
 * Submits an ended job again. With `cascade`, the jobs that were cancelled because this one
 * failed are submitted again too, waiting on the new jobs instead of the old ones.
 */
export function redo(ctx: Ctx, caller: Caller, id: number, body: unknown): Answer {
  const req = (typeof body === 'object' && body !== null ? body : {}) as RedoRequest;
  const env = req.env === undefined ? undefined : environment(req.env);
  const created = ctx.store.atomically(() => {
    const first = ctx.store.require(id);
    assertOwner(caller, first);
    if (canTransition(first.state, 'cancelled')) throw new GflowError('conflict', `cannot redo job ${id}: it is ${first.state}`, 'only ended jobs can be redone');
    // What is redone is known before anything is written: admission counts it all, as a submit.
    const jobs: JobRecord[] = [];
    const seen = new Set<number>();
    const collect = (job: JobRecord): void => {
      seen.add(job.id);
      jobs.push(job);
      if (req.cascade) for (const v of ctx.store.lineage.cancelledBecauseOf(job.id)) if (!seen.has(v.id)) collect(v);
    };
    collect(first);
    const byProject = new Map<string | null, number>();
    for (const j of jobs) byProject.set(j.project, (byProject.get(j.project) ?? 0) + 1);
    admitWaiting(ctx, first.user, env, byProject);
    const replaced = new Map<number, number>();
    return jobs.map((job) => {
      const spec = specOf(job);
      let next = ctx.store.insert(
        { ...spec, env: env ?? spec.env, dependsOn: spec.dependsOn.map((d) => replaced.get(d) ?? d), attempt: 0, retriedFrom: null, redoneFrom: job.id, token: crypto.randomBytes(16).toString('hex') },
        Date.now(),
      );
      // A script kept with the old job (copied at submit) is copied again for the new one, so
      // that cleaning the old job never takes the new one's script away.
      if (job.script !== null && job.scriptPath !== null) {
        ctx.store.setScript(next.id, ctx.executor.keepScript(next, keptScript(job.id, job.script, job.uid)));
        next = ctx.store.require(next.id);
      }
      replaced.set(job.id, next.id);
      return next;
    });
  });
  ctx.log.event(`job ${id} redone as ${created.map((r) => r.id).join(', ')}`);
  ctx.scheduler.requestPass();
  return [201, { job: ctx.store.toJob(created[0]!), jobs: created.map((r) => ctx.store.toJob(r)) }];
}
