// gflow on a real one-node Slurm cluster beside the same work sent with plain sbatch, in one
// run: submit→start latency (to the job's first instruction) and the drain of 200 trivial jobs.
// `node scripts/bench/slurm.mjs` runs it alone (after `npx tsc`); `npm run bench slurm` as a part.
// BENCH_SLURM_RUNS (latency samples, default 10) and BENCH_SLURM_JOBS (drain, default 200).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
// waitUntil, not p-wait-for: long waits with p-wait-for print MaxListenersExceededWarning (see its file).
import { waitUntil } from '../../dist/src/cli/gflowd/wait-until.js';
import { Client } from '../../dist/src/client/client.js';
import { resolvePaths } from '../../dist/src/config/paths.js';
import { Sandbox } from '../../dist/test/helpers/sandbox.js';
import { SlurmCluster, slurmUnavailable } from '../../dist/test/helpers/slurm-cluster.js';
import { round, summarize } from './stats.mjs';

const RUNS = Number(process.env.BENCH_SLURM_RUNS ?? 10);
const JOBS = Number(process.env.BENCH_SLURM_JOBS ?? 200);

const stampOf = (file) => Number(fs.readFileSync(file, 'utf8').trim()) * 1000;
// Files are looked at every 5 ms; Slurm's queue every 50 ms (each look is an squeue).
const until = async (pred, ms = 120_000, interval = 5) => {
  if (!(await waitUntil(pred, { intervalMs: interval, timeoutMs: ms }))) throw new Error(`timed out after ${ms} ms`);
};

/** Runs the comparison on `sb` (a sandbox without a daemon); returns the figures. */
export async function benchSlurm(sb) {
  const why = slurmUnavailable();
  if (why) return { skipped: why };
  const cluster = await SlurmCluster.start();
  try {
    sb.env.SLURM_CONF = cluster.conf;
    await sb.up('--executor', 'slurm', '--partition', cluster.partition);
    const env = { ...process.env, ...cluster.env };
    // A busy slurmctld may time out a submission: tried again, as a user's script would.
    const sbatch = (args) => {
      for (let attempt = 1; ; attempt++) {
        const r = spawnSync('sbatch', ['--parsable', '-o', '/dev/null', ...args], { env, encoding: 'utf8' });
        if (r.status === 0) return Number(r.stdout.trim());
        if (attempt === 5 || !/timed out/.test(r.stderr)) throw new Error(`sbatch: ${r.stderr}`);
        process.stderr.write(`bench slurm: sbatch timed out, again (${attempt})\n`);
      }
    };
    const slurmIdle = async () => (await cluster.cmd('squeue', ['-h', '-o', '%i'])).stdout.trim() === '';

    // Latency, alternating gflow and sbatch so that both see the same machine.
    const gflowMs = [];
    const daemonMs = []; // from the daemon's receipt of the submission (without the CLI's start-up)
    const sbatchMs = [];
    for (let i = 0; i < RUNS; i++) {
      const a = path.join(sb.dir, `g-${i}`);
      let t0 = performance.timeOrigin + performance.now();
      const job = JSON.parse(await sb.ok('gflow', 'submit', '--json', '--', 'bash', '-c', `echo $EPOCHREALTIME > ${a}`));
      await until(() => fs.existsSync(a) && fs.readFileSync(a, 'utf8').trim() !== '');
      gflowMs.push(stampOf(a) - t0);
      daemonMs.push(stampOf(a) - Date.parse(job.submittedAt));
      await sb.waitEnded(job.id, 60_000);
      const b = path.join(sb.dir, `s-${i}`);
      t0 = performance.timeOrigin + performance.now();
      // --wrap runs /bin/sh: bash for $EPOCHREALTIME, as gflow's job has.
      sbatch(['--wrap', `exec bash -c 'echo $EPOCHREALTIME > ${b}'`]);
      await until(() => fs.existsSync(b) && fs.readFileSync(b, 'utf8').trim() !== '');
      sbatchMs.push(stampOf(b) - t0);
      await until(slurmIdle, 120_000, 50);
    }
    process.stderr.write(`bench slurm: latency done\n`);
    const latency = { gflow: summarize(gflowMs), gflowFromDaemon: summarize(daemonMs), sbatch: summarize(sbatchMs) };
    latency.overheadMs = round(latency.gflow.median - latency.sbatch.median);

    // Drain: JOBS trivial jobs, each its own Slurm job, until none is left.
    const client = new Client({ port: sb.port, paths: resolvePaths(sb.env) });
    let t0 = performance.now();
    await sb.ok('gflow', 'submit', '--json', '--array', `1-${JOBS}`, '--', 'true');
    await until(async () => (await client.request('GET', '/v1/jobs?states=queued,running&limit=1')).jobs.length === 0, 900_000, 20);
    const gflowSec = (performance.now() - t0) / 1000;
    process.stderr.write(`bench slurm: gflow drained ${JOBS} jobs in ${round(gflowSec)} s\n`);
    const failed = (await client.request('GET', '/v1/jobs?states=failed,cancelled,timeout&all=1')).jobs.length;
    await until(slurmIdle, 120_000, 50);
    t0 = performance.now();
    for (let i = 0; i < JOBS; i++) sbatch(['--wrap', 'true']);
    await until(slurmIdle, 900_000, 50);
    const sbatchSec = (performance.now() - t0) / 1000;
    const drain = { jobs: JOBS, gflowSec: round(gflowSec), sbatchSec: round(sbatchSec), overheadPct: round(((gflowSec - sbatchSec) / sbatchSec) * 100), failed };
    return { latencyMs: latency, drain };
  } finally {
    await cluster.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sb = await Sandbox.create();
  try {
    process.stdout.write(`${JSON.stringify(await benchSlurm(sb), null, 2)}\n`);
  } finally {
    await sb.cleanup();
  }
}
