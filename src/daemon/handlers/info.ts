// What the machine looks like, and the GPU settings: `gflow info`, `gflow gpu …`.
import type { InfoResponse } from '../../protocol/api.js';
import { GflowError } from '../../protocol/errors.js';
import { JOB_STATES } from '../../protocol/job.js';
import { assertAdmin, type Caller } from '../../identity/caller.js';
import type { Answer, Ctx } from './context.js';

export async function info(ctx: Ctx): Promise<Answer> {
  await ctx.gpus.refresh();
  const running = ctx.store.slimByState('running');
  const counts = ctx.store.countsByState();
  const body: InfoResponse = {
    gpus: ctx.gpus.describe(running),
    gpuError: ctx.gpus.error,
    cpus: { total: ctx.cpus, used: running.reduce((n, r) => n + r.cpus, 0) },
    counts: Object.fromEntries(JOB_STATES.map((s) => [s, counts.get(s) ?? 0])),
    strategy: ctx.gpus.strategy,
  };
  if (ctx.executor.cluster) body.slurm = await ctx.executor.cluster();
  return [200, body];
}

export function allowGpus(ctx: Ctx, caller: Caller, body: unknown): Answer {
  assertAdmin(caller, 'choose the GPUs gflow may use');
  const b = (typeof body === 'object' && body !== null ? body : {}) as { indices?: unknown };
  const indices = b.indices;
  if (indices !== null && !(Array.isArray(indices) && indices.every((i) => Number.isSafeInteger(i) && (i as number) >= 0 && (i as number) < 1024))) {
    throw new GflowError('bad_request', 'indices must be null (all GPUs) or an array of GPU indices');
  }
  const list = indices === null ? null : [...new Set(indices as number[])].sort((x, y) => x - y);
  ctx.gpus.setAllowed(list);
  ctx.onGpusAllowed(list === null ? 'all' : list.join(','));
  ctx.log.event(`GPUs allowed: ${list === null ? 'all' : list.join(',')}`);
  ctx.scheduler.requestPass();
  return [200, { allowed: list }];
}

export function ignoreGpuProcess(ctx: Ctx, caller: Caller, body: unknown): Answer {
  assertAdmin(caller, 'ignore processes on GPUs');
  const b = (typeof body === 'object' && body !== null ? body : {}) as { index?: unknown; pid?: unknown; ignore?: unknown };
  if (!Number.isSafeInteger(b.index) || (b.index as number) < 0 || !Number.isSafeInteger(b.pid) || (b.pid as number) < 1 || typeof b.ignore !== 'boolean') {
    throw new GflowError('bad_request', 'give index (GPU index), pid (process id) and ignore (true or false)');
  }
  const ignored = ctx.gpus.setIgnored(b.index as number, b.pid as number, b.ignore);
  ctx.log.event(`GPU ${String(b.index)}: process ${String(b.pid)} ${b.ignore ? 'ignored' : 'no longer ignored'}`);
  ctx.scheduler.requestPass();
  return [200, { ignored }];
}
