// Controlling jobs beyond their state: signal a running job, type into its terminal, change an
// array's running cap. Each checks the owner first, and says what it did.
import { parseSignal } from '../../core/signals.js';
import { assertRequeue } from '../../core/transitions.js';
import { GflowError } from '../../protocol/errors.js';
import { assertOwner, type Caller } from '../../identity/caller.js';
import { environment } from '../validate.js';
import { admitWaiting } from './admission.js';
import type { Answer, Ctx } from './context.js';

function obj(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

function runningJob(ctx: Ctx, caller: Caller, id: number, what: string) {
  const job = ctx.store.require(id);
  assertOwner(caller, job);
  if (job.state !== 'running') throw new GflowError('conflict', `cannot ${what} job ${id}: it is ${job.state}`, 'only running jobs can be sent signals or keys');
  return job;
}

export function controlJob(ctx: Ctx, caller: Caller, id: number, action: string, body: unknown): Answer | Promise<Answer> {
  switch (action) {
    case 'signal':
      return signal(ctx, caller, id, body);
    case 'send':
      return send(ctx, caller, id, body);
    case 'limit':
      return limit(ctx, caller, id, body);
    case 'requeue':
      return requeue(ctx, caller, id, body);
    default:
      throw new GflowError('not_found', `no route for ${action}`);
  }
}

export async function send(ctx: Ctx, caller: Caller, id: number, body: unknown): Promise<Answer> {
  const b = obj(body);
  if (typeof b.text !== 'string' || b.text.length > 4096 || b.text.includes('\0')) throw new GflowError('bad_request', "invalid field 'text': expected a string of at most 4096 characters");
  if (b.enter !== undefined && typeof b.enter !== 'boolean') throw new GflowError('bad_request', "invalid field 'enter': expected true or false");
  if (b.text === '' && !b.enter) throw new GflowError('bad_request', 'nothing to send', 'give text, or enter: true');
  const job = runningJob(ctx, caller, id, 'send keys to');
  await ctx.executor.sendKeys(job, b.text, b.enter === true);
  return [200, { sent: b.text.length, enter: b.enter === true }];
}

/** `gflow limit`: an array's or sweep's running cap, changed while it runs (null: no cap). */
export function limit(ctx: Ctx, caller: Caller, id: number, body: unknown): Answer {
  const max = obj(body).max;
  if (max !== null && !(Number.isSafeInteger(max) && (max as number) >= 1 && (max as number) <= 100_000)) throw new GflowError('bad_request', "invalid field 'max': expected a whole number from 1 to 100000, or null");
  const job = ctx.store.require(id);
  assertOwner(caller, job);
  if (!job.groupId) throw new GflowError('conflict', `job ${id} is not part of an array or sweep`, 'a running cap applies to the tasks of an --array or --param sweep');
  const n = ctx.store.groups.setLimit(job.groupId, max as number | null);
  ctx.log.event(`array of job ${id}: at most ${max ?? 'any number of'} task(s) at once (${n} jobs)`);
  ctx.scheduler.requestPass();
  return [200, { max, jobs: n }];
}

/** `gflow requeue`: a failed or timed-out job back in the queue under its id. */
export async function requeue(ctx: Ctx, caller: Caller, id: number, body: unknown): Promise<Answer> {
  const job = ctx.store.require(id);
  assertOwner(caller, job);
  assertRequeue(id, job.state);
  // An ended job keeps no copy of its environment: it runs again with the caller's.
  const b = (typeof body === 'object' && body !== null ? body : {}) as { env?: unknown };
  const env = b.env === undefined ? undefined : environment(b.env);
  // Counted as a submission: refused before anything is moved, and again with the change
  // itself, in case another request took the last place meanwhile.
  const admit = (): void => admitWaiting(ctx, job.user, env, new Map([[job.project, 1]]));
  admit();
  // Its session and status go first, so that the same id can start again; its log is kept.
  const log = await ctx.executor.archiveLog(job, job.attempts.length + 1);
  await ctx.executor.forget(job);
  const back = ctx.store.atomically(() => (admit(), ctx.store.requeue(id, log, false, env)));
  ctx.log.event(`job ${id} requeued by ${caller.user} (was ${job.state}; attempt ${back.attempts.length + 1})`);
  ctx.scheduler.requestPass();
  return [200, { job: ctx.store.toJob(back) }];
}

export async function signal(ctx: Ctx, caller: Caller, id: number, body: unknown): Promise<Answer> {
  const text = obj(body).signal;
  if (typeof text !== 'string' || text.length > 20) throw new GflowError('bad_request', "invalid field 'signal': expected a signal name or number");
  let sig: NodeJS.Signals;
  try {
    sig = parseSignal(text);
  } catch (err) {
    throw new GflowError('bad_request', (err as Error).message, (err as GflowError).hint);
  }
  const job = runningJob(ctx, caller, id, 'signal');
  const count = await ctx.executor.signal(job, sig);
  ctx.log.event(`job ${id}: ${sig} sent to ${count} process(es) by ${caller.user}`);
  return [200, { signal: sig, processes: count }];
}
