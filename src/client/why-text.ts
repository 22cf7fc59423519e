// `gflow why` in words: renders what the planner decided about a job (src/daemon/handlers/why.ts).
import { formatElapsed } from '../core/duration.js';
import type { FairShareInfo, GpuInfo, WhyResponse } from '../protocol/api.js';
import type { Job } from '../protocol/job.js';
import type { WaitReason } from '../protocol/wait-reason.js';

export function whyLines(answer: WhyResponse, now = Date.now()): string[] {
  const { job, wait } = answer;
  if (job.state === 'running') {
    const since = job.startedAt ? ` (for ${formatElapsed((now - Date.parse(job.startedAt)) / 1000)})` : '';
    return [`job ${job.id} is running${since} in ${job.session}${job.gpuIds?.length ? ` on GPUs ${job.gpuIds.join(',')}` : ''}`];
  }
  if (job.state === 'hold') return [`job ${job.id} is held: start it with \`gflow release ${job.id}\``];
  if (!wait) return [`job ${job.id} has ended: ${job.state}${job.reason ? ` (${job.reason})` : ''}`];
  const lines = wait.reason ? reasonLines(job, wait.reason, wait) : ['ready: it starts at the next scheduling pass'];
  lines.push(`place in queue: ${wait.place} of ${wait.queued} (priority ${job.priority}${wait.fairShare ? `, then fair share` : ''})`);
  if (wait.fairShare) lines.push(...fairShareLines(wait.fairShare));
  return lines;
}

function reasonLines(job: Job, r: WaitReason, wait: NonNullable<WhyResponse['wait']>): string[] {
  const deps = wait.dependencies.map((d) => `${d.kind && d.kind !== 'afterok' ? `${d.kind}:` : ''}${d.id} (${d.state})`).join(', ');
  switch (r.kind) {
    case 'dependency':
      return [`waits for ${job.dependsMode === 'any' ? 'any one' : 'all'} of its dependencies: ${deps}`];
    case 'singleton':
      return [`singleton: waits for job ${r.blocker}, another job named '${job.name}' of ${job.user}, to end`];
    case 'dependencyNeverSatisfied':
      return [`its dependencies can no longer succeed (${deps}); it waits because of --no-auto-cancel: cancel it or \`gflow update ${job.id} --depends-on …\``];
    case 'dependencyFailed':
      return [`dependency ${r.failed} failed: the job is cancelled at the next scheduling pass`];
    case 'beginTime':
      return [`starts no earlier than ${new Date(r.at).toLocaleString()} (--begin)`];
    case 'groupLimit':
      return [`its array or sweep runs at most ${r.limit} at once, and ${r.limit} run now`];
    case 'tooManyCpus':
      return [`needs ${r.need} CPU slots, but the daemon has ${r.total} in all: \`gflow update ${job.id} --cpus N\` or start gflowd with more --cpus`];
    case 'tooManyGpus':
      return [`needs ${r.need} GPU(s), but only ${r.usable} can be used at all${wait.gpuError ? ` (nvidia-smi: ${wait.gpuError})` : ''}`, ...gpuLines(wait.gpus)];
    case 'resources': {
      const holders = wait.cpus.holders.map((h) => `${h.id}×${h.cpus}`).join(', ');
      return [`needs ${r.need} CPU slot(s); ${r.free} of ${wait.cpus.total} free${holders ? ` (in use by jobs ${holders})` : ''}`];
    }
    case 'gpus':
      return [`needs ${r.need}${job.gpuShared ? ` shared (${job.gpuMemoryMb} MiB)` : ''} GPU(s); ${r.free} available`, ...gpuLines(wait.gpus)];
    case 'quota': {
      const who = `${r.scope} ${r.name}`;
      const what = r.limit === 'running' ? `may run at most ${r.max} job(s) at once and runs ${r.used}` : `may hold at most ${r.max} GPU(s), holds ${r.used}, and this job needs ${r.need}`;
      return [`quota: ${who} ${what}; it starts when one of ${r.scope === 'user' ? 'their' : 'its'} jobs ends (\`gflow quota list\`)`];
    }
    case 'memory': {
      const m = wait.memory;
      if (r.needMb > r.totalMb) return [`needs ${mib(r.needMb)} of memory (--mem), but the machine has ${mib(r.totalMb)} in all`];
      const detail = m ? ` (available ${mib(m.availableMb)}; running jobs declared ${mib(m.declaredMb)} of ${mib(m.totalMb)})` : '';
      return [`needs ${mib(r.needMb)} of memory (--mem); ${mib(r.freeMb)} free${detail}`];
    }
    case 'reservation':
      return [`the GPUs it could use are reserved for ${r.user} until ${new Date(r.until).toLocaleString()} (reservation ${r.id}; \`gflow reserve list\`)`, ...gpuLines(wait.gpus)];
  }
}

function mib(mb: number): string {
  return mb >= 10 * 1024 ? `${(mb / 1024).toFixed(1)} GiB` : `${mb} MiB`;
}

function fairShareLines(f: FairShareInfo): string[] {
  const order = f.users.map((u) => `${u.user} ${u.usage.toFixed(2)}`).join(', ');
  return [
    `fair share: ${f.user} used ${f.usage.toFixed(2)} CPU-hour equivalents (a GPU-hour counts ${f.gpuWeight}; half-life ${f.halfLifeHours} h)`,
    ...(f.users.length > 1 ? [`  among equal priorities, users who used less go first: ${order}`] : []),
  ];
}

function gpuLines(gpus: GpuInfo[]): string[] {
  const out: string[] = [];
  for (const g of gpus) {
    if (!g.allowed) out.push(`  GPU ${g.index}: not allowed (\`gflow gpu allow\`)`);
    for (const f of g.foreign.filter((x) => !x.ignored)) {
      const whose = f.job === null ? 'not started by gflow' : `a process of job ${f.job}, which does not hold this GPU`;
      out.push(`  GPU ${g.index}: used by PID ${f.pid}, ${whose} (${f.usedMb} MiB); \`gflow gpu ignore ${g.index} ${f.pid}\` to use it anyway`);
    }
    if (g.jobs.length) out.push(`  GPU ${g.index}: held by job${g.jobs.length > 1 ? 's' : ''} ${g.jobs.join(', ')}`);
  }
  return out;
}
