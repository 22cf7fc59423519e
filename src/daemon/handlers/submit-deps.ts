// A submission's dependencies as stored: each must exist; one that failed and was retried
// means its latest retry; an array's or sweep's id (its first job) means all of its tasks;
// `aftercorr` on an array pairs task i of the new array with task i of that one.
import { kindAt } from '../../core/deps.js';
import type { JobRecord } from '../../core/job.js';
import { GflowError } from '../../protocol/errors.js';
import type { DepKind, SubmitRequest, TaskSpec } from '../../protocol/job.js';
import type { JobStore } from '../../store/jobs.js';

type Task = Pick<JobRecord, 'id' | 'arrayTaskId'>;

export interface ResolvedDeps {
  /** the dependencies every task shares */
  fixed: Pick<SubmitRequest, 'dependsOn' | 'dependsKinds'>;
  /** the arrays an aftercorr dependency pairs with: each task (its latest retry), in order */
  corr: Task[][];
}

export function resolveDeps(store: JobStore, req: { dependsOn?: number[]; dependsKinds?: readonly DepKind[] | null }): ResolvedDeps {
  const deps = req.dependsOn ?? [];
  const known = store.statesOf(deps);
  const missing = deps.find((d) => !known.has(d));
  if (missing !== undefined) throw new GflowError('bad_request', `dependency ${missing} does not exist`, 'see `gflow queue -a` for job ids');
  const ids: number[] = [];
  const kinds: DepKind[] = [];
  const corr: Task[][] = [];
  const add = (id: number, kind: DepKind): void => {
    const latest = store.lineage.latestRetryOf(id);
    if (ids.includes(latest)) return;
    ids.push(latest);
    kinds.push(kind);
  };
  deps.forEach((d, i) => {
    const kind = kindAt(req.dependsKinds, i);
    const group = kind === 'aftercorr' ? (store.get(d)?.groupId ?? undefined) : store.groups.startingWith(d);
    if (kind === 'aftercorr') {
      if (!group) throw new GflowError('bad_request', `aftercorr:${d}: job ${d} is not part of an array or sweep`, 'aftercorr pairs the tasks of two arrays; use afterok for a single job');
      corr.push(store.groups.jobs(group).filter((t) => t.retriedFrom === null).map((t) => ({ id: store.lineage.latestRetryOf(t.id), arrayTaskId: t.arrayTaskId })));
    } else if (group) {
      for (const j of store.groups.jobs(group)) if (j.retriedFrom === null) add(j.id, kind);
    } else {
      add(d, kind);
    }
  });
  return { fixed: req.dependsOn ? { dependsOn: ids, dependsKinds: kinds } : {}, corr };
}

/**
 * Task `index` of a new array, with its aftercorr dependencies added: the task of each paired
 * array with the same array index (or, for sweeps, at the same position).
 */
export function withCorresponding(base: Pick<SubmitRequest, 'dependsOn' | 'dependsKinds'>, corr: Task[][], task: TaskSpec, index: number): Pick<SubmitRequest, 'dependsOn' | 'dependsKinds'> {
  if (corr.length === 0) return {};
  const ids = [...(base.dependsOn ?? [])];
  const kinds = [...(base.dependsKinds ?? ids.map((): DepKind => 'afterok'))];
  for (const tasks of corr) {
    const match = task.arrayTaskId !== undefined ? tasks.find((t) => t.arrayTaskId === task.arrayTaskId) : tasks[index];
    if (!match || ids.includes(match.id)) continue;
    ids.push(match.id);
    kinds.push('aftercorr');
  }
  return { dependsOn: ids, dependsKinds: kinds };
}
