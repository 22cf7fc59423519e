// Figures over ended jobs (`gflow stats`) from the store's groups (one per user, project and
// end state): counts by state, success rate, wait and run time percentiles, CPU- and
// GPU-hours in total, per user and per project, the longest jobs and a histogram of ends.
import { ENDED_STATES } from '../protocol/job.js';
import type { Spread, StatsGroup } from '../protocol/stats.js';

/** Ended jobs of one user, project and state; the arrays have one entry per job. */
export interface EndedGroup {
  user: string;
  project: string | null;
  state: string;
  jobs: number;
  gpuMs: number;
  cpuMs: number;
  /** seconds; null: never started */
  waitSec: (number | null)[];
  runSec: (number | null)[];
  /** when it ended, in whole hours since the epoch */
  endHour: number[];
  ids: number[];
}

const HOUR_MS = 3_600_000;
/** A bound on the histogram's length: a long period gets wider buckets. */
const MAX_BUCKETS = 24 * 92;

export interface JobStats {
  total: StatsGroup;
  users: StatsGroup[];
  projects: StatsGroup[];
  longest: { id: number; runSec: number }[];
  /** jobs ended per bucket of bucketHours, the first starting at `start` (ms) */
  ended: { start: number; bucketHours: number; counts: number[] };
}

/** `start` (ms; null: from the first end) and `until` bound the histogram. */
export function jobStats(groups: readonly EndedGroup[], start: number | null, until: number, keepLongest = 10): JobStats {
  const ended = groups.filter((g) => (ENDED_STATES as readonly string[]).includes(g.state));
  const by = (key: (g: EndedGroup) => string): StatsGroup[] => {
    const parts = new Map<string, EndedGroup[]>();
    for (const g of ended) parts.set(key(g), [...(parts.get(key(g)) ?? []), g]);
    return [...parts].map(([k, gs]) => figures(k, gs)).sort((a, b) => b.jobs - a.jobs || a.key.localeCompare(b.key));
  };
  return {
    total: figures('all', ended),
    users: by((g) => g.user),
    projects: by((g) => g.project ?? ''),
    longest: longest(ended, keepLongest),
    ended: histogram(ended, start, until),
  };
}

function figures(key: string, groups: readonly EndedGroup[]): StatsGroup {
  const byState: Record<string, number> = {};
  let jobs = 0;
  let gpuMs = 0;
  let cpuMs = 0;
  for (const g of groups) {
    byState[g.state] = (byState[g.state] ?? 0) + g.jobs;
    jobs += g.jobs;
    gpuMs += g.gpuMs;
    cpuMs += g.cpuMs;
  }
  const ok = byState.finished ?? 0;
  const judged = ok + (byState.failed ?? 0) + (byState.timeout ?? 0);
  return {
    key,
    jobs,
    byState,
    successRate: judged ? ok / judged : null,
    waitSec: spread(groups.map((g) => g.waitSec)),
    runSec: spread(groups.map((g) => g.runSec)),
    gpuHours: gpuMs / HOUR_MS,
    cpuHours: cpuMs / HOUR_MS,
  };
}

/** Nearest-rank median and 90th percentile of the non-null values of the lists. */
export function spread(lists: readonly (readonly (number | null)[])[]): Spread {
  let n = 0;
  for (const l of lists) for (const v of l) if (v !== null) n++;
  if (n === 0) return { median: null, p90: null };
  const a = new Float64Array(n);
  let i = 0;
  for (const l of lists) for (const v of l) if (v !== null) a[i++] = v;
  const rank = (p: number): number => Math.max(0, Math.ceil(p * n) - 1);
  // Selection, not a sort: linear time, and p90 only looks right of the median.
  const median = select(a, rank(0.5), 0);
  return { median, p90: select(a, rank(0.9), rank(0.5)) };
}

/** The k-th smallest of a[from..] (Hoare's quickselect; reorders a). */
function select(a: Float64Array, k: number, from: number): number {
  let lo = from;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i++] = a[j]!;
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k]!;
}

function longest(groups: readonly EndedGroup[], keep: number): { id: number; runSec: number }[] {
  const top: { id: number; runSec: number }[] = [];
  for (const g of groups) {
    g.runSec.forEach((run, i) => {
      if (run === null || (top.length === keep && run <= top[keep - 1]!.runSec)) return;
      let at = top.length;
      while (at > 0 && top[at - 1]!.runSec < run) at--;
      top.splice(at, 0, { id: g.ids[i]!, runSec: run });
      if (top.length > keep) top.pop();
    });
  }
  return top;
}

function histogram(groups: readonly EndedGroup[], start: number | null, until: number): JobStats['ended'] {
  let first = start === null ? Infinity : Math.floor(start / HOUR_MS);
  if (start === null) for (const g of groups) for (const h of g.endHour) if (h < first) first = h;
  if (first === Infinity) first = Math.floor(until / HOUR_MS);
  const hours = Math.floor(until / HOUR_MS) - first + 1;
  const bucketHours = Math.ceil(hours / MAX_BUCKETS);
  const counts = new Array<number>(Math.ceil(hours / bucketHours)).fill(0);
  for (const g of groups) {
    for (const h of g.endHour) {
      const b = Math.floor((h - first) / bucketHours);
      if (b >= 0 && b < counts.length) counts[b]!++;
    }
  }
  return { start: first * HOUR_MS, bucketHours, counts };
}
