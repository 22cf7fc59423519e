// Submit-to-start latency, drain rate, and large submissions.
import fs from 'node:fs';
import path from 'node:path';
// waitUntil, not p-wait-for: long waits with p-wait-for print MaxListenersExceededWarning (see its file).
import { waitUntil } from '../../dist/src/cli/gflowd/wait-until.js';
import { resolvePaths } from '../../dist/src/config/paths.js';
import { Client } from '../../dist/src/client/client.js';
import { summarize } from './stats.mjs';

const until = async (pred, ms, interval) => {
  if (!(await waitUntil(pred, { intervalMs: interval, timeoutMs: ms }))) throw new Error(`timed out after ${ms} ms`);
};

const LATENCY_RUNS = Number(process.env.BENCH_LATENCY_RUNS ?? 20);
const DRAIN_JOBS = Number(process.env.BENCH_DRAIN_JOBS ?? 500);
const DRAIN_RUNS = Number(process.env.BENCH_DRAIN_RUNS ?? 3);

/** From just before `gflow submit` to the job's first instruction (it records a timestamp). */
export async function benchLatency(sb) {
  const total = [];
  const daemon = [];
  for (let i = 0; i < LATENCY_RUNS; i++) {
    const stamp = path.join(sb.dir, `stamp-${i}`);
    const t0 = performance.timeOrigin + performance.now(); // ms since the epoch, sub-ms precision
    const out = await sb.ok('gflow', 'submit', '--json', '--', 'bash', '-c', `echo $EPOCHREALTIME > ${stamp}`);
    const job = JSON.parse(out);
    await until(() => fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() !== '', 10_000, 5);
    const started = Number(fs.readFileSync(stamp, 'utf8').trim()) * 1000; // ms
    total.push(started - t0);
    daemon.push(started - Date.parse(job.submittedAt));
    await sb.waitEnded(job.id);
  }
  return { submitToStartMs: summarize(total), daemonPartMs: summarize(daemon) };
}

/** N trivial jobs in one array, through `slots` CPU slots: jobs per second until all ended (3 runs). */
export async function benchDrain(sb, slots) {
  // Poll the API from this process: a `gflow queue` every few ms would compete for the CPU.
  const client = new Client({ port: sb.port, paths: resolvePaths(sb.env) });
  const rates = [];
  let failed = 0;
  for (let run = 0; run < DRAIN_RUNS; run++) {
    const t0 = performance.now();
    const out = await sb.ok('gflow', 'submit', '--json', '--array', `1-${DRAIN_JOBS}`, '--', 'true');
    const ids = JSON.parse(out).map((j) => j.id);
    // The sandbox runs nothing else: the drain is over when no job is queued or running. Until
    // the last task has ended, only that job is asked for (a list query every 20 ms would take
    // a share of the daemon's CPU from the drain it measures).
    const ended = (j) => !['queued', 'running', 'hold'].includes(j.state);
    await until(async () => ended((await client.request('GET', `/v1/jobs/${ids.at(-1)}`)).job), 600_000, 20);
    await until(async () => (await client.request('GET', '/v1/jobs?states=queued,running&limit=1')).jobs.length === 0, 600_000, 20);
    rates.push(ids.length / ((performance.now() - t0) / 1000));
    failed += (await client.request('GET', `/v1/jobs?states=failed,cancelled,timeout&all=1`)).jobs.filter((j) => ids.includes(j.id)).length;
    await sb.ok('gflow', 'close', '--all-finished');
  }
  return { slots, jobs: DRAIN_JOBS, jobsPerSec: summarize(rates), failed };
}

/** Time for `gflow submit` of a 1,000-task array and of a 1,000-point sweep to return. */
export async function benchBigSubmit(sb) {
  const array = [];
  const sweep = [];
  for (let i = 0; i < 5; i++) {
    let t = performance.now();
    await sb.ok('gflow', 'submit', '--hold', '--array', '1-1000', '--', 'true');
    array.push(performance.now() - t);
    t = performance.now();
    await sb.ok('gflow', 'submit', '--hold', '--param', 'x=1:1000', '--', 'echo', '{x}');
    sweep.push(performance.now() - t);
  }
  return { array1000Ms: summarize(array), sweep1000Ms: summarize(sweep) };
}

/** 500 jobs submitted three ways, in one run: a shell loop of `gflow submit`, `--each`, `--array`. */
export async function benchManySubmit(sb) {
  const n = Number(process.env.BENCH_MANY_JOBS ?? 500);
  const { BIN } = await import('../../dist/test/helpers/sandbox.js');
  const { execFileSync } = await import('node:child_process');
  const file = path.join(sb.dir, 'each.txt');
  fs.writeFileSync(file, Array.from({ length: n }, (_, i) => `echo ${i}\n`).join(''));
  const sh = (script) => {
    const t = performance.now();
    execFileSync('bash', ['-c', script], { env: { ...sb.env, GFLOW: BIN.gflow }, stdio: 'ignore' });
    return performance.now() - t;
  };
  const loopMs = sh(`for i in $(seq ${n}); do "$GFLOW" submit --hold -- echo $i; done`);
  const eachMs = sh(`"$GFLOW" submit --hold --each ${file}`);
  const arrayMs = sh(`"$GFLOW" submit --hold --array 1-${n} -- bash -c 'echo $GFLOW_ARRAY_TASK_ID'`);
  await sb.gflow('cancel', '1-100000').catch(() => {});
  return { jobs: n, loopMs: Math.round(loopMs), eachMs: Math.round(eachMs), arrayMs: Math.round(arrayMs) };
}
