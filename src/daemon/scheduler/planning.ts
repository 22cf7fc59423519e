// What a scheduling decision is made from: the queue, the dependencies' states, the free CPU
// slots and GPUs. Shared by the scheduler's pass and by `gflow why`, so both see the same.
import { planStarts, resolveDependencies, type Capacity, type DependencyVerdicts, type GpuSlot, type Plan } from '../../core/plan.js';
import { singletonBlocker } from '../../core/deps.js';
import type { JobStore, PlanJob, SlimJob } from '../../store/jobs.js';

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

export function dependencyVerdicts(store: JobStore, queued: PlanJob[]): DependencyVerdicts<PlanJob> {
  const ids = new Set<number>();
  for (const q of queued) for (const d of q.dependsOn) ids.add(d);
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

export function capacity(running: readonly SlimJob[], totalCpus: number, gpus: GpuView, now: number): Capacity {
  const groupRunning = new Map<string, number>();
  for (const r of running) if (r.groupId) groupRunning.set(r.groupId, (groupRunning.get(r.groupId) ?? 0) + 1);
  return {
    freeCpus: totalCpus - running.reduce((n, r) => n + r.cpus, 0),
    totalCpus,
    gpus: gpus.slots(running),
    groupRunning,
    strategy: gpus.strategy,
    now,
  };
}

/** The decision for jobs whose dependencies are met. */
export function plan(ready: PlanJob[], running: readonly SlimJob[], totalCpus: number, gpus: GpuView, now: number): Plan {
  return planStarts(ready, capacity(running, totalCpus, gpus, now));
}

/** The earliest begin time still to come among these jobs. */
export function nextBegin(jobs: readonly PlanJob[], now: number): number | undefined {
  let next = Infinity;
  for (const j of jobs) if (j.beginAt !== null && j.beginAt > now && j.beginAt < next) next = j.beginAt;
  return Number.isFinite(next) ? next : undefined;
}
