// Controlling jobs beyond their state: signal a running job, type into its terminal, change an
// array's running cap. Each checks the owner first, and says what it did.
import { parseSignal } from '../../core/signals.js';
import { GflowError } from '../../protocol/errors.js';
import { assertOwner, type Caller } from '../../identity/caller.js';
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
    default:
      throw new GflowError('not_found', `no route for ${action}`);
  }
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
