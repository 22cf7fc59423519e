// What a scheduling decision is made from: the queue, the dependencies' states, the free CPU
// slots and GPUs, and the sharing policy (fair-share usage, quotas, reservations, memory).
// Shared by the scheduler's pass and by `gflow why`, so both see the same.
import { usageNow, type UserUsage } from '../../core/fair-share.js';
import { Load } from '../../core/load.js';
import { planStarts, resolveDependencies, type Capacity, type DependencyVerdicts, type GpuSlot, type Plan } from '../../core/plan.js';
import { Quotas } from '../../core/quota.js';
import { nextBoundary, type Reservation } from '../../core/reservation.js';
import type { MemoryInfo } from '../../protocol/api.js';
import type { WaitReason } from '../../protocol/wait-reason.js';
import { singletonBlocker } from '../../core/deps.js';
import type { JobStore, PlanJob, SlimJob } from '../../store/jobs.js';
import { policyStores } from '../../store/policy.js';
import { readMemInfo, type MemInfo } from '../meminfo.js';
import type { PolicySettings } from '../policy-settings.js';

/** The GPU inventory as the scheduler needs it (src/daemon/gpus.ts). */
export interface GpuView {
  readonly strategy: 'sequential' | 'random';
  /** reads the inventory again (right before GPUs are handed out) */
  refresh(): Promise<void>;
  slots(running: readonly SlimJob[]): GpuSlot[];
  /** the lock files a job on these GPUs holds while it runs */
  lockFiles(indices: readonly number[]): string[];
  stop(): void;
}

/** The sharing policy as of one moment. */
export interface PolicyView {
  usage: Map<string, UserUsage>;
  quotas: Quotas;
  /** reservations whose window has not ended */
  reservations: Reservation[];
  /** host memory; undefined when no job asks for memory or it cannot be read */
  memory: MemoryInfo | undefined;
}

export function dependencyVerdicts(store: JobStore, queued: PlanJob[]): DependencyVerdicts<PlanJob> {
  const ids = new Set<number>();
  for (const q of queued) if (q.dependsOn.length) for (const d of q.dependsOn) ids.add(d);
  const v = resolveDependencies(queued, store.statesOf([...ids]));
  // Singletons whose dependencies are met still wait for the others of their name.
  const singles = v.ready.filter((j) => j.singleton && j.name !== null);
  if (singles.length === 0) return v;
  const others = store.activeNamed([...new Set(singles.map((j) => j.name!))]);
  const blocked = new Set<number>();
  for (const j of singles) {
    const blocker = singletonBlocker(j, others);
    if (blocker === undefined) continue;
    blocked.add(j.id);
    v.waiting.set(j.id, { kind: 'singleton', blocker });
  }
  return { ...v, ready: v.ready.filter((j) => !blocked.has(j.id)) };
}

/**
 * Reads the policy. Memory is read only when a job asks for it (`wantMemory`): free memory is
 * MemAvailable, but never more than the total less what running jobs declared, since a job that
 * just started has not allocated its memory yet.
 */
export function policyView(store: JobStore, running: readonly SlimJob[], now: number, settings: PolicySettings, wantMemory: boolean, readMem: () => MemInfo | undefined = readMemInfo): PolicyView {
  const p = policyStores(store.db);
  const mem = wantMemory ? readMem() : undefined;
  const declaredMb = running.reduce((n, r) => n + (r.memMb ?? 0), 0);
  return {
    usage: usageNow(p.usage.all(), running, now, settings.fairShare),
    quotas: new Quotas(p.quotas.list()),
    reservations: p.reservations.current(now),
    memory: mem && { ...mem, declaredMb },
  };
}

export function capacity(running: readonly SlimJob[], totalCpus: number, gpus: GpuView, now: number, policy?: PolicyView): Capacity {
  const groupRunning = new Map<string, number>();
  for (const r of running) if (r.groupId) groupRunning.set(r.groupId, (groupRunning.get(r.groupId) ?? 0) + 1);
  const mem = policy?.memory;
  return {
    freeCpus: totalCpus - running.reduce((n, r) => n + r.cpus, 0),
    totalCpus,
    gpus: gpus.slots(running),
    groupRunning,
    strategy: gpus.strategy,
    now,
    usage: policy && new Map([...policy.usage].map(([user, u]) => [user, u.usage])),
    quotas: policy?.quotas,
    load: Load.of(running),
    reservations: policy?.reservations,
    memory: mem && { totalMb: mem.totalMb, freeMb: Math.max(0, Math.min(mem.availableMb, mem.totalMb - mem.declaredMb)) },
  };
}

/** The decision for jobs whose dependencies are met (`onWaiting`: see planStarts). */
export function plan(ready: PlanJob[], running: readonly SlimJob[], totalCpus: number, gpus: GpuView, now: number, policy?: PolicyView, onWaiting?: (job: PlanJob, reason: WaitReason) => void): Plan {
  return planStarts(ready, capacity(running, totalCpus, gpus, now, policy), onWaiting);
}

/** When the scheduler must look again though nothing happens: a begin time, or a reservation's start or end. */
export function nextBegin(jobs: readonly PlanJob[], now: number, reservations: readonly Reservation[] = []): number | undefined {
  let next = nextBoundary(reservations, now) ?? Infinity;
  for (const j of jobs) if (j.beginAt !== null && j.beginAt > now && j.beginAt < next) next = j.beginAt;
  return Number.isFinite(next) ? next : undefined;
}
