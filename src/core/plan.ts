// Pure scheduling: which queued jobs start now, on which GPUs, and why the others wait.
// No I/O, no clock (the caller passes `now`).

export interface Candidate {
  id: number;
  priority: number;
  cpus: number;
  gpus: number;
  shared: boolean;
  gpuMemoryMb: number | null;
  groupId: string | null;
  maxConcurrent: number | null;
  beginAt: number | null;
}

export interface GpuSlot {
  index: number;
  memoryTotalMb: number;
  /** allowed, present, and not taken by a process gflow did not start */
  usable: boolean;
  /** held by an exclusive job */
  exclusive: boolean;
  /** memory declared by the shared jobs on it */
  sharedMb: number;
  /** shared jobs on it */
  sharedJobs: number;
}

export interface Capacity {
  freeCpus: number;
  totalCpus: number;
  gpus: GpuSlot[];
  /** running jobs per group (arrays, sweeps) */
  groupRunning: Map<string, number>;
  strategy: 'sequential' | 'random';
  now: number;
  random?: () => number;
}

export interface Start {
  id: number;
  gpuIds: number[];
}

export interface Plan {
  start: Start[];
  /** queued jobs that cannot start, with the reason shown in `gflow queue` */
  waiting: Map<number, string>;
}

export function byPriority<T extends { priority: number; id: number }>(a: T, b: T): number {
  return b.priority - a.priority || a.id - b.id;
}

// Order: priority descending, then submission order (id). Greedy: a job that does not fit
// is skipped and smaller jobs behind it may start (as in gflow).
export function planStarts(queued: readonly Candidate[], cap: Capacity): Plan {
  const gpus = cap.gpus.map((g) => ({ ...g }));
  const groups = new Map(cap.groupRunning);
  const start: Start[] = [];
  const waiting = new Map<number, string>();
  let free = cap.freeCpus;
  for (const job of [...queued].sort(byPriority)) {
    if (job.beginAt !== null && job.beginAt > cap.now) {
      waiting.set(job.id, `BeginTime ${new Date(job.beginAt).toISOString()}`);
      continue;
    }
    if (job.groupId && job.maxConcurrent !== null && (groups.get(job.groupId) ?? 0) >= job.maxConcurrent) {
      waiting.set(job.id, `GroupLimit ${job.maxConcurrent}`);
      continue;
    }
    if (job.cpus > cap.totalCpus) {
      waiting.set(job.id, `needs ${job.cpus} CPUs, daemon has ${cap.totalCpus}`);
      continue;
    }
    const usable = gpus.filter((g) => g.usable && (!job.shared || job.gpuMemoryMb === null || g.memoryTotalMb >= job.gpuMemoryMb));
    if (job.gpus > usable.length) {
      waiting.set(job.id, `needs ${job.gpus} GPUs, ${usable.length} usable`);
      continue;
    }
    if (job.cpus > free) {
      waiting.set(job.id, 'Resources');
      continue;
    }
    const picked = job.gpus > 0 ? pickGpus(job, gpus, cap) : [];
    if (picked === undefined) {
      waiting.set(job.id, 'WaitingForGpu');
      continue;
    }
    for (const g of picked) {
      if (job.shared) {
        g.sharedMb += job.gpuMemoryMb ?? 0;
        g.sharedJobs++;
      } else {
        g.exclusive = true;
      }
    }
    free -= job.cpus;
    if (job.groupId) groups.set(job.groupId, (groups.get(job.groupId) ?? 0) + 1);
    start.push({ id: job.id, gpuIds: picked.map((g) => g.index) });
  }
  return { start, waiting };
}

function pickGpus(job: Candidate, gpus: GpuSlot[], cap: Capacity): GpuSlot[] | undefined {
  // Exclusive jobs need idle GPUs; shared jobs need room within the GPU's memory.
  const fits = (g: GpuSlot): boolean =>
    g.usable && !g.exclusive && (job.shared ? g.sharedMb + (job.gpuMemoryMb ?? 0) <= g.memoryTotalMb : g.sharedJobs === 0);
  const candidates = gpus.filter(fits);
  if (candidates.length < job.gpus) return undefined;
  if (cap.strategy === 'random') {
    const rnd = cap.random ?? Math.random;
    for (let i = candidates.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
    }
  } else {
    candidates.sort((a, b) => a.index - b.index);
  }
  return candidates.slice(0, job.gpus);
}
