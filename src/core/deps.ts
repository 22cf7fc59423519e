// Dependencies between jobs, with Slurm's kinds:
//   afterok    the dependency finished (exit 0); impossible once it ended otherwise
//   afterany   the dependency ended, however
//   afternotok the dependency failed, was cancelled or timed out; impossible once it finished
//   aftercorr  afterok, on the corresponding task of another array (resolved at submit)
// and two ways to combine them:
//   all: ready when every dependency is met; impossible as soon as one can no longer be.
//   any: ready when one dependency is met; impossible when none can be any more.
// A dependency gflow no longer knows (removed by `gflow clean`) counts as failed.
import type { DependsMode, DepKind, JobState } from '../protocol/job.js';

export type DepVerdict = { kind: 'ready' } | { kind: 'waiting'; unmet: number[] } | { kind: 'impossible'; failed: number; depKind: DepKind };

const FAILED: readonly JobState[] = ['failed', 'cancelled', 'timeout'];

type Met = 'met' | 'pending' | 'never';

function status(kind: DepKind, state: JobState | undefined): Met {
  const failed = state === undefined || FAILED.includes(state);
  const finished = state === 'finished';
  switch (kind) {
    case 'afterany':
      return failed || finished ? 'met' : 'pending';
    case 'afternotok':
      return failed ? 'met' : finished ? 'never' : 'pending';
    default:
      return finished ? 'met' : failed ? 'never' : 'pending';
  }
}

/** The kind of the i-th dependency (kinds: parallel to the ids; null or short: afterok). */
export function kindAt(kinds: readonly DepKind[] | null | undefined, i: number): DepKind {
  return kinds?.[i] ?? 'afterok';
}

export function evaluateDeps(deps: readonly number[], mode: DependsMode, states: ReadonlyMap<number, JobState>, kinds?: readonly DepKind[] | null): DepVerdict {
  if (deps.length === 0) return { kind: 'ready' };
  const each = deps.map((id, i) => ({ id, kind: kindAt(kinds, i), met: status(kindAt(kinds, i), states.get(id)) }));
  if (mode === 'any') {
    if (each.some((d) => d.met === 'met')) return { kind: 'ready' };
    if (each.every((d) => d.met === 'never')) return { kind: 'impossible', failed: each[0]!.id, depKind: each[0]!.kind };
    return { kind: 'waiting', unmet: each.filter((d) => d.met === 'pending').map((d) => d.id) };
  }
  const bad = each.find((d) => d.met === 'never');
  if (bad) return { kind: 'impossible', failed: bad.id, depKind: bad.kind };
  const unmet = each.filter((d) => d.met === 'pending').map((d) => d.id);
  return unmet.length === 0 ? { kind: 'ready' } : { kind: 'waiting', unmet };
}

/** Why an auto-cancelled job was cancelled, in words (stored as its reason). */
export function doomReason(failed: number, kind: DepKind): string {
  return kind === 'afternotok' ? `dependency ${failed} finished (afternotok)` : `dependency ${failed} failed`;
}

/** A job as `singleton` needs to see the others of its name. */
export interface NamedJob {
  id: number;
  user: string;
  name: string | null;
  state: JobState;
}

/**
 * Slurm's singleton: a job waits while another job of its name and user runs, or was
 * submitted before it and has not ended (so such jobs run one at a time, in order).
 * Returns the job it waits for.
 */
export function singletonBlocker(job: Pick<NamedJob, 'id' | 'user' | 'name'>, others: readonly NamedJob[]): number | undefined {
  if (job.name === null) return undefined;
  const b = others.find((o) => o.id !== job.id && o.user === job.user && o.name === job.name && (o.state === 'running' || ((o.state === 'queued' || o.state === 'hold') && o.id < job.id)));
  return b?.id;
}

/** A dependency path from `id` back to itself, if adding `deps` to `id` would close a loop. */
export function findCycle(id: number, deps: readonly number[], depsOf: (id: number) => readonly number[]): number[] | undefined {
  const stack: [number, number[]][] = deps.map((d) => [d, [id, d]]);
  const seen = new Set<number>();
  while (stack.length) {
    const [node, path] = stack.pop()!;
    if (node === id) return path;
    if (seen.has(node)) continue;
    seen.add(node);
    for (const next of depsOf(node)) stack.push([next, [...path, next]]);
  }
  return undefined;
}
