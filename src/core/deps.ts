// Dependencies between jobs. Only `finished` counts as success.
//   all: ready when every dependency finished; impossible as soon as one ended otherwise.
//   any: ready when one dependency finished; impossible when all ended and none finished.
import type { DependsMode, JobState } from '../protocol/job.js';

export type DepVerdict = { kind: 'ready' } | { kind: 'waiting'; unmet: number[] } | { kind: 'impossible'; failed: number };

const FAILED: readonly JobState[] = ['failed', 'cancelled', 'timeout'];

export function evaluateDeps(deps: readonly number[], mode: DependsMode, states: ReadonlyMap<number, JobState>): DepVerdict {
  if (deps.length === 0) return { kind: 'ready' };
  const failed = (id: number): boolean => {
    const s = states.get(id);
    return s === undefined || FAILED.includes(s);
  };
  const done = (id: number): boolean => states.get(id) === 'finished';
  if (mode === 'any') {
    if (deps.some(done)) return { kind: 'ready' };
    if (deps.every(failed)) return { kind: 'impossible', failed: deps[0]! };
    return { kind: 'waiting', unmet: deps.filter((d) => !failed(d)) };
  }
  const bad = deps.find(failed);
  if (bad !== undefined) return { kind: 'impossible', failed: bad };
  const unmet = deps.filter((d) => !done(d));
  return unmet.length === 0 ? { kind: 'ready' } : { kind: 'waiting', unmet };
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
