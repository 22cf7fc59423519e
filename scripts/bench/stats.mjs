// Small helpers shared by the benchmarks: timing, summaries, machine load.
import os from 'node:os';

export function summarize(values) {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === 0) return { n: 0, min: null, median: null, max: null };
  const mid = v.length >> 1;
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { n: v.length, min: round(v[0]), median: round(median), max: round(v[v.length - 1]) };
}

export const round = (x) => Math.round(x * 100) / 100;

export function load() {
  return os.loadavg().map(round);
}

export async function timeMs(fn) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}
