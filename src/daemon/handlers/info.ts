// What the machine and the queue look like: `gflow info`, `gflow why`, GPU settings.
import { evaluateDeps } from '../../core/deps.js';
import { formatElapsed } from '../../core/duration.js';
import { byPriority } from '../../core/plan.js';
import type { InfoResponse } from '../../protocol/api.js';
import { GflowError } from '../../protocol/errors.js';
import { JOB_STATES } from '../../protocol/job.js';
import { dependsOf, type JobRow } from '../../store/jobs.js';
import type { Answer, Ctx } from './context.js';

export async function info(ctx: Ctx): Promise<Answer> {
  await ctx.gpus.refresh();
  const running = ctx.store.byState('running');
  const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<string, number>;
  for (const r of ctx.store.db.prepare('SELECT state, count(*) AS n FROM jobs GROUP BY state').all() as { state: string; n: number }[]) counts[r.state] = r.n;
  const body: InfoResponse = {
    gpus: ctx.gpus.describe(running),
    gpuError: ctx.gpus.error,
    cpus: { total: ctx.cpus, used: running.reduce((n, r) => n + r.cpus, 0) },
    counts,
    strategy: ctx.gpus.strategy,
  };
  return [200, body];
}

export async function why(ctx: Ctx, id: number): Promise<Answer> {
  const row = ctx.store.require(id);
  const lines: string[] = [];
  if (row.state === 'running') {
    lines.push(`job ${id} is running (for ${formatElapsed((Date.now() - row.started_at!) / 1000)}) in tmux session ${row.session}${row.gpu_ids ? ` on GPUs ${(JSON.parse(row.gpu_ids) as number[]).join(',')}` : ''}`);
  } else if (row.state === 'hold') {
    lines.push(`job ${id} is held: start it with \`gflow release ${id}\``);
  } else if (row.state !== 'queued') {
    lines.push(`job ${id} has ended: ${row.state}${row.reason ? ` (${row.reason})` : ''}`);
  } else {
    await ctx.gpus.refresh();
    lines.push(...whyQueued(ctx, row));
  }
  return [200, { job: ctx.store.toJob(row), lines }];
}

function whyQueued(ctx: Ctx, row: JobRow): string[] {
  const lines: string[] = [];
  const running = ctx.store.byState('running');
  const deps = dependsOf(row);
  if (deps.length) {
    const states = ctx.store.statesOf(deps);
    const v = evaluateDeps(deps, row.depends_mode, states);
    const list = deps.map((d) => `${d} (${states.get(d) ?? 'unknown'})`).join(', ');
    if (v.kind === 'waiting') lines.push(`waits for ${row.depends_mode === 'any' ? 'any one' : 'all'} of its dependencies to finish: ${list}`);
    else if (v.kind === 'impossible') lines.push(`its dependencies can no longer succeed (${list}); it waits because of --no-auto-cancel: cancel it or \`gflow update ${row.id} --depends-on …\``);
  }
  if (row.begin_at !== null && row.begin_at > Date.now()) lines.push(`starts no earlier than ${new Date(row.begin_at).toLocaleString()} (--begin)`);
  if (row.group_id && row.max_concurrent !== null) {
    const mates = running.filter((r) => r.group_id === row.group_id).map((r) => r.id);
    if (mates.length >= row.max_concurrent) lines.push(`its group runs at most ${row.max_concurrent} at once; running now: ${mates.join(', ')}`);
  }
  const used = running.reduce((n, r) => n + r.cpus, 0);
  if (row.cpus > ctx.cpus - used) {
    lines.push(`needs ${row.cpus} CPU slot(s); ${ctx.cpus - used} of ${ctx.cpus} free${running.length ? ` (in use by jobs ${running.map((r) => `${r.id}×${r.cpus}`).join(', ')})` : ''}`);
  }
  if (row.gpus > 0) {
    const gpus = ctx.gpus.describe(running);
    const slots = ctx.gpus.slots(running);
    const free = slots.filter((s) => s.usable && !s.exclusive && (row.gpu_shared ? s.sharedMb + (row.gpu_memory_mb ?? 0) <= s.memoryTotalMb : s.sharedJobs === 0));
    if (free.length < row.gpus) {
      lines.push(`needs ${row.gpus}${row.gpu_shared ? ` shared (${row.gpu_memory_mb} MiB)` : ''} GPU(s); ${free.length} available${gpus.length === 0 ? ` — no GPUs found${ctx.gpus.error ? ` (${ctx.gpus.error})` : ''}` : ''}`);
      for (const g of gpus) {
        if (!g.allowed) lines.push(`  GPU ${g.index}: not allowed (\`gflow gpu allow\`)`);
        for (const f of g.foreign.filter((x) => !x.ignored)) lines.push(`  GPU ${g.index}: used by PID ${f.pid}, not started by gflow (${f.usedMb} MiB); \`gflow gpu ignore ${g.index} ${f.pid}\` to use it anyway`);
        if (g.jobs.length) lines.push(`  GPU ${g.index}: held by job${g.jobs.length > 1 ? 's' : ''} ${g.jobs.join(', ')}`);
      }
    }
  }
  const queue = ctx.store.byState('queued').sort(byPriority);
  const place = queue.findIndex((r) => r.id === row.id) + 1;
  lines.push(`place in queue: ${place} of ${queue.length} (priority ${row.priority})`);
  if (lines.length === 1) lines.unshift(row.reason ? `waiting: ${row.reason}` : 'ready: it starts at the next scheduling pass');
  return lines;
}

export function allowGpus(ctx: Ctx, body: unknown): Answer {
  const b = (typeof body === 'object' && body !== null ? body : {}) as { indices?: unknown };
  const indices = b.indices;
  if (indices !== null && !(Array.isArray(indices) && indices.every((i) => Number.isSafeInteger(i) && (i as number) >= 0 && (i as number) < 1024))) {
    throw new GflowError('bad_request', 'indices must be null (all GPUs) or an array of GPU indices');
  }
  ctx.gpus.setAllowed(indices === null ? null : [...new Set(indices as number[])].sort((a, b) => a - b));
  ctx.log.event(`GPUs allowed: ${indices === null ? 'all' : (indices as number[]).join(',')}`);
  ctx.scheduler.requestPass();
  return [200, { allowed: ctx.gpus.allowed() }];
}

export function ignoreGpuProcess(ctx: Ctx, body: unknown): Answer {
  const b = (typeof body === 'object' && body !== null ? body : {}) as { index?: unknown; pid?: unknown; ignore?: unknown };
  if (!Number.isSafeInteger(b.index) || (b.index as number) < 0 || !Number.isSafeInteger(b.pid) || (b.pid as number) < 1 || typeof b.ignore !== 'boolean') {
    throw new GflowError('bad_request', 'give index (GPU index), pid (process id) and ignore (true or false)');
  }
  ctx.gpus.setIgnored(b.index as number, b.pid as number, b.ignore);
  ctx.log.event(`GPU ${String(b.index)}: process ${String(b.pid)} ${b.ignore ? 'ignored' : 'no longer ignored'}`);
  ctx.scheduler.requestPass();
  return [200, { ignored: ctx.gpus.ignored() }];
}
