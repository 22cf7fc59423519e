// Small helpers shared by the benchmarks: timing, summaries, machine load.
import fs from 'node:fs';
import http from 'node:http';
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

/** A process's resident memory in MB. */
export function rssMb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Math.round(Number(m[1]) / 1024);
}

/** `gflow <args>` run `runs` times, timed. */
export async function timeCli(sb, args, runs = 10) {
  const t = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await sb.ok('gflow', ...args);
    t.push(performance.now() - s);
  }
  return summarize(t);
}

/** One GET on a fresh connection, no retries: whether it got a 200. */
export function rawGet(port, token, path = '/v1/jobs?limit=5') {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('error', () => resolve(false));
  });
}
