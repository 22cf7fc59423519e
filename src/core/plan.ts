// Pure scheduling: which queued jobs start now, on which GPUs, and why the others wait.
// No I/O, no clock (the caller passes `now`). The scheduler's pass and `gflow why` both ask
// these functions, so what `why` says is what the scheduler does.
import type { WaitReason } from '../protocol/wait-reason.js';
import type { DepKind, JobState } from '../protocol/job.js';
import { evaluateDeps } from './deps.js';
import { fairSorted } from './fair-share.js';
import type { JobRecord } from './job.js';
import { Load } from './load.js';
import { quotaBlocker, Quotas } from './quota.js';
import { ReservationGate } from './reservation-gate.js';
import type { Reservation } from './reservation.js';

/** What planning needs of a queued job. */
export type Candidate = Pick<
  JobRecord,
  'id' | 'user' | 'project' | 'priority' | 'cpus' | 'gpus' | 'gpuShared' | 'gpuMemoryMb' | 'memMb' | 'groupId' | 'maxConcurrent' | 'beginAt' | 'dependsOn' | 'dependsMode' | 'autoCancel'
>;

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
  /** each user's fair-share usage (src/core/fair-share.ts); absent: everyone counts as 0 */
  usage?: ReadonlyMap<string, number>;
  quotas?: Quotas;
  /** what running jobs hold per user and project (for quotas and reservations) */
  load?: Load;
  /** reservations; the planner honours those active at `now` */
  reservations?: readonly Reservation[];
  /** host memory in MiB: the machine's total, and what is free for new jobs; absent: unknown, --mem is not admitted */
  memory?: { totalMb: number; freeMb: number };
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
      if (job.dependsOn.length === 0) {
        ready.push(job); // most jobs: nothing to look up
        continue;
      }
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

// Order: priority descending, then the owner's fair-share usage ascending, then submission
// order (id). Greedy: a job that does not fit is skipped and smaller jobs behind it may start
// (as in gflow).
//
// `onWaiting`, when given, is told each waiting job's reason instead of `waiting` collecting
// them (the scheduler's pass compares them with the stored ones as they come: no map of the
// whole queue).
export function planStarts<C extends Candidate>(queued: readonly C[], cap: Capacity, onWaiting?: (job: C, reason: WaitReason) => void): Plan {
  const load = (cap.load ?? new Load()).clone();
  const pass: Pass = {
    gpus: cap.gpus.map((g) => ({ ...g })),
    groups: new Map(cap.groupRunning),
    freeCpus: cap.freeCpus,
    freeMemMb: cap.memory?.freeMb ?? Infinity,
    load,
    quotas: cap.quotas ?? new Quotas(),
    gate: new ReservationGate(cap.reservations ?? [], cap.now, load),
    short: new Map(),
  };
  const start: Start[] = [];
  const waiting = new Map<number, WaitReason>();
  const wait = onWaiting ?? ((job: C, r: WaitReason) => void waiting.set(job.id, r));
  // When no job can start (a full machine: each needs more CPUs than are free), nothing is
  // handed out, so each job's reason is the same whatever the order: the queue is not sorted.
  for (const job of full(queued, pass.freeCpus) ? queued : fairSorted(queued, cap.usage ?? new Map())) {
    const verdict = admit(job, pass, cap);
    if ('kind' in verdict) {
      wait(job, verdict);
      continue;
    }
    for (const g of verdict.picked) {
      if (job.gpuShared) {
        g.sharedMb += job.gpuMemoryMb ?? 0;
        g.sharedJobs++;
      } else {
        g.exclusive = true;
      }
    }
    pass.freeCpus -= job.cpus;
    pass.freeMemMb -= job.memMb ?? 0;
    pass.load.add(job);
    if (job.groupId) pass.groups.set(job.groupId, (pass.groups.get(job.groupId) ?? 0) + 1);
    start.push({ id: job.id, gpuIds: verdict.picked.map((g) => g.index) });
  }
  return { start, waiting };
}

/**
 * When no CPU is free, no job that needs one can start, and each waiting job's reason depends
 * only on the job, the clock (begin times) and what this key holds: the checks `admit` makes
 * before "enough free CPUs". A caller may keep the reasons it was given under an equal key for
 * jobs that did not change and have no begin time. Undefined when a CPU is free. Whatever
 * `admit` reads before the CPU check must be in the key.
 */
export function fullMachineKey(cap: Capacity): string | undefined {
  if (cap.freeCpus > 0) return undefined;
  const gpus = cap.gpus.map((g) => [g.index, g.usable, g.memoryTotalMb]);
  return JSON.stringify([cap.freeCpus, cap.totalCpus, gpus, [...cap.groupRunning].sort(), cap.quotas ?? null, cap.load ?? null]);
}

// Every admitted job takes its CPUs out of the free ones (see `admit`): none can be admitted
// when each needs more than are free.
function full(queued: readonly Candidate[], freeCpus: number): boolean {
  for (const j of queued) if (j.cpus <= freeCpus) return false;
  return true;
}

/** What one pass has handed out so far. */
interface Pass {
  gpus: GpuSlot[];
  groups: Map<string, number>;
  freeCpus: number;
  freeMemMb: number;
  load: Load;
  quotas: Quotas;
  gate: ReservationGate;
  /** "not enough free CPUs" reasons handed out, by CPUs needed: one object each while the free count stays (a full machine and a long queue) */
  short: Map<number, WaitReason & { free: number }>;
}

// Why a job cannot start now, or the GPUs it gets. Permanent reasons (more than the machine
// has) come before passing ones, and a quota before resources: a user at their limit waits for
// their own jobs, whatever is free. What is read before the CPU check is in fullMachineKey.
function admit(job: Candidate, p: Pass, cap: Capacity): WaitReason | { picked: GpuSlot[] } {
  if (job.beginAt !== null && job.beginAt > cap.now) return { kind: 'beginTime', at: job.beginAt };
  if (job.groupId && job.maxConcurrent !== null && (p.groups.get(job.groupId) ?? 0) >= job.maxConcurrent) return { kind: 'groupLimit', limit: job.maxConcurrent };
  if (job.cpus > cap.totalCpus) return { kind: 'tooManyCpus', need: job.cpus, total: cap.totalCpus };
  if (job.gpus > 0) {
    const usable = p.gpus.filter((g) => g.usable && (!job.gpuShared || job.gpuMemoryMb === null || g.memoryTotalMb >= job.gpuMemoryMb));
    if (job.gpus > usable.length) return { kind: 'tooManyGpus', need: job.gpus, usable: usable.length };
  }
  const quota = p.quotas.empty ? undefined : quotaBlocker(job, p.quotas, p.load);
  if (quota) return quota;
  if (job.cpus > p.freeCpus) return cpuShortage(p, job.cpus);
  if (job.memMb !== null && cap.memory && job.memMb > p.freeMemMb) return { kind: 'memory', needMb: job.memMb, freeMb: Math.max(0, Math.floor(p.freeMemMb)), totalMb: cap.memory.totalMb };
  if (job.gpus === 0) return { picked: [] };
  const fitting = p.gpus.filter((g) => fits(job, g));
  if (fitting.length < job.gpus) return { kind: 'gpus', need: job.gpus, free: fitting.length };
  return pickGpus(job, fitting, p, cap);
}

function cpuShortage(p: Pass, need: number): WaitReason {
  let r = p.short.get(need);
  if (r?.free !== p.freeCpus) p.short.set(need, (r = { kind: 'resources', need, free: p.freeCpus }));
  return r;
}

// Exclusive jobs need idle GPUs; shared jobs need room within the GPU's memory.
function fits(job: Candidate, g: GpuSlot): boolean {
  return g.usable && !g.exclusive && (job.gpuShared ? g.sharedMb + (job.gpuMemoryMb ?? 0) <= g.memoryTotalMb : g.sharedJobs === 0);
}

// Among the GPUs that fit: not those pinned for another user; those pinned for this user
// first; and enough idle ones left for other users' counted reservations.
function pickGpus(job: Candidate, fitting: GpuSlot[], p: Pass, cap: Capacity): WaitReason | { picked: GpuSlot[] } {
  const candidates: GpuSlot[] = [];
  let keptBy: Reservation | undefined;
  for (const g of fitting) {
    const r = p.gate.pinnedAgainst(job.user, g.index);
    if (r) keptBy ??= r;
    else candidates.push(g);
  }
  if (candidates.length < job.gpus) return reserved(keptBy!);
  if (cap.strategy === 'random') {
    const rnd = cap.random ?? Math.random;
    for (let i = candidates.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
    }
  } else {
    candidates.sort((a, b) => a.index - b.index);
  }
  const mine = (g: GpuSlot): number => (p.gate.pinnedFor(job.user, g.index) ? 0 : 1);
  candidates.sort((a, b) => mine(a) - mine(b)); // stable: keeps the strategy's order otherwise
  const picked = candidates.slice(0, job.gpus);
  const held = p.gate.heldBack(job.user);
  if (held.by) {
    const left = p.gate.idleUnpinned(p.gpus.filter((g) => g.usable)).filter((g) => !picked.includes(g)).length;
    if (left < held.count) return reserved(held.by);
  }
  return { picked };
}

function reserved(r: Reservation): WaitReason {
  return { kind: 'reservation', id: r.id, user: r.user, until: r.endAt };
}
