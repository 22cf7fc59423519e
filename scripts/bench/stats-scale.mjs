// `gflow stats --since 7d` over 1,000,000 jobs that ended in the last week (BENCH_STATS_JOBS),
// written straight into the daemon's database; target ≤ 1 s for the whole command.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { openDatabase } from '../../dist/src/store/db.js';
import { summarize } from './stats.mjs';

const JOBS = Number(process.env.BENCH_STATS_JOBS ?? 1_000_000);
const STATES = ['finished', 'finished', 'finished', 'finished', 'finished', 'finished', 'failed', 'cancelled', 'timeout'];

export async function benchStatsScale(sb) {
  await sb.up();
  await sb.ok('gflowd', 'down');
  const db = openDatabase(path.join(sb.stateDir, 'gflow.db'));
  const insert = db.prepare("INSERT INTO jobs (name, user, project, command, cwd, env, state, submitted_at, started_at, finished_at, exit_code, ended_by, gpus, cpus, token) VALUES (?, ?, ?, '[\"true\"]', '/tmp', '{}', ?, ?, ?, ?, 0, 'natural', ?, ?, 'x')");
  const now = Date.now();
  const week = 7 * 86_400_000;
  const fillStart = performance.now();
  db.transaction(() => {
    for (let i = 0; i < JOBS; i++) {
      // Ends spread over the week; waits up to 10 min, runs up to 6 h; a tenth never started.
      const end = now - 60_000 - Math.floor(((i * 7919) % JOBS) / JOBS * (week - 120_000));
      const run = (i * 104_729) % 21_600_000;
      const started = i % 10 === 9 ? null : end - run;
      const submitted = (started ?? end) - ((i * 31) % 600_000);
      insert.run(`job-${i}`, `u${i % 8}`, i % 3 ? `p${i % 5}` : null, i % 10 === 9 ? 'cancelled' : STATES[i % STATES.length], submitted, started, end, i % 4, 1 + (i % 8));
    }
  })();
  const fillSec = (performance.now() - fillStart) / 1000;
  db.close();

  await sb.up();
  const times = [];
  let out = '';
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    out = await sb.ok('gflow', 'stats', '--since', '7d', '--all-users', '--json');
    times.push(performance.now() - t);
  }
  // The daemon's part alone: the same request from one process, without the CLI's start-up.
  const client = new URL('../../dist/src/client/client.js', import.meta.url).href;
  const code = `const { Client } = await import(${JSON.stringify(client)}); const c = new Client(); const t = []; for (let i = 0; i < 5; i++) { const s = performance.now(); await c.request('GET', '/v1/stats?all=1&since=' + (Date.now() - 7 * 86400000)); t.push(performance.now() - s); } console.log(JSON.stringify(t));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', code], { env: sb.env });
  const request = summarize(JSON.parse(stdout));
  const counted = JSON.parse(out).total.jobs;
  if (counted !== JOBS) throw new Error(`stats counted ${counted} jobs, expected ${JOBS}`);
  const cli = summarize(times);
  return { endedJobs: JOBS, fillSec: Math.round(fillSec), statsSince7dMs: cli, requestMs: request, targetMs: 1000, withinTarget: cli.median <= 1000 };
}
