// Pure scheduling: which queued jobs start now, on which GPUs, and why the others wait.
// No I/O, no clock (the caller passes `now`). The scheduler's pass and `gflow why` both ask
// these functions, so what `why` says is what the scheduler does.
import type { WaitReason } from '../protocol/wait-reason.js';
import type { DepKind, JobState } from '../protocol/job.js';
import { evaluateDeps } from './deps.js';
import type { JobRecord } from './job.js';

/** What planning needs of a queued job. */
export type Candidate = Pick<JobRecord, 'id' | 'priority' | 'cpus' | 'gpus' | 'gpuShared' | 'gpuMemoryMb' | 'groupId' | 'maxConcurrent' | 'beginAt' | 'dependsOn' | 'dependsMode' | 'autoCancel'>;

export interface GpuSlot {
  index: number;
  memoryTotalMb: number;
  /** allowed, present, and not taken by a process that is not one of its holders */
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
  /** queued jobs that cannot start, and why */
  waiting: Map<number, WaitReason>;
}

export interface DependencyVerdicts<C> {
  /** jobs whose dependencies are met */
  ready: C[];
  waiting: Map<number, WaitReason>;
  /** jobs to cancel because a dependency failed (auto-cancel), with that dependency */
  doomed: { id: number; failed: number; depKind?: DepKind }[];
}

export function byPriority<T extends { priority: number; id: number }>(a: T, b: T): number {
  return b.priority - a.priority || a.id - b.id;
}

/**
 * Applies dependency rules to the queue. A doomed job dooms the jobs waiting on it too, in
 * the same call: `states` is treated as if the doomed jobs were already cancelled.
 */
export function resolveDependencies<C extends Candidate & { dependsKinds?: readonly DepKind[] | null }>(queued: readonly C[], states: ReadonlyMap<number, JobState>): DependencyVerdicts<C> {
  const known = new Map(states);
  const doomed: { id: number; failed: number; depKind?: DepKind }[] = [];
  const doomedIds = new Set<number>();
  for (;;) {
    const ready: C[] = [];
    const waiting = new Map<number, WaitReason>();
    let more = false;
    for (const job of queued) {
      if (doomedIds.has(job.id)) continue;
      const v = evaluateDeps(job.dependsOn, job.dependsMode, known, job.dependsKinds);
      if (v.kind === 'ready') ready.push(job);
      else if (v.kind === 'waiting') waiting.set(job.id, { kind: 'dependency', unmet: v.unmet });
      else if (job.autoCancel) {
        doomed.push({ id: job.id, failed: v.failed, depKind: v.depKind });
        doomedIds.add(job.id);
        known.set(job.id, 'cancelled');
        more = true;
      } else waiting.set(job.id, { kind: 'dependencyNeverSatisfied', failed: v.failed });
    }
    if (!more) return { ready, waiting, doomed };
  }
}

// Order: priority descending, then submission order (id). Greedy: a job that does not fit
// is skipped and smaller jobs behind it may start (as in gflow).
export function planStarts(queued: readonly Candidate[], cap: Capacity): Plan {
  const gpus = cap.gpus.map((g) => ({ ...g }));
  const groups = new Map(cap.groupRunning);
  const start: Start[] = [];
  const waiting = new Map<number, WaitReason>();
  let free = cap.freeCpus;
  for (const job of [...queued].sort(byPriority)) {
    const reason = blocker(job, gpus, groups, free, cap);
    if (reason) {
      waiting.set(job.id, reason);
      continue;
    }
    const picked = job.gpus > 0 ? pickGpus(job, gpus, cap) : [];
    for (const g of picked) {
      if (job.gpuShared) {
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

function blocker(job: Candidate, gpus: GpuSlot[], groups: Map<string, number>, free: number, cap: Capacity): WaitReason | undefined {
  if (job.beginAt !== null && job.beginAt > cap.now) return { kind: 'beginTime', at: job.beginAt };
  if (job.groupId && job.maxConcurrent !== null && (groups.get(job.groupId) ?? 0) >= job.maxConcurrent) return { kind: 'groupLimit', limit: job.maxConcurrent };
  if (job.cpus > cap.totalCpus) return { kind: 'tooManyCpus', need: job.cpus, total: cap.totalCpus };
  const usable = gpus.filter((g) => g.usable && (!job.gpuShared || job.gpuMemoryMb === null || g.memoryTotalMb >= job.gpuMemoryMb));
  if (job.gpus > usable.length) return { kind: 'tooManyGpus', need: job.gpus, usable: usable.length };
  if (job.cpus > free) return { kind: 'resources', need: job.cpus, free };
  const fitting = gpus.filter((g) => fits(job, g)).length;
  if (job.gpus > 0 && fitting < job.gpus) return { kind: 'gpus', need: job.gpus, free: fitting };
  return undefined;
}

// Exclusive jobs need idle GPUs; shared jobs need room within the GPU's memory.
function fits(job: Candidate, g: GpuSlot): boolean {
  return g.usable && !g.exclusive && (job.gpuShared ? g.sharedMb + (job.gpuMemoryMb ?? 0) <= g.memoryTotalMb : g.sharedJobs === 0);
}

function pickGpus(job: Candidate, gpus: GpuSlot[], cap: Capacity): GpuSlot[] {
  const candidates = gpus.filter((g) => fits(job, g));
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
