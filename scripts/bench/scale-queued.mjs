// Scale, waiting side: 100,000 queued jobs (one CPU slot, taken by a long job). Submit latency
// against an empty queue, the scheduling pass (the daemon's own figure), daemon RSS.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { rssMb, summarize } from './stats.mjs';

const QUEUED = Number(process.env.BENCH_QUEUED_JOBS ?? 100_000);


async function submitLatency(sb, runs = 15) {
  const t = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await sb.ok('gflow', 'submit', '--', 'true');
    t.push(performance.now() - s);
  }
  return summarize(t);
}

async function lastPassMs(sb) {
  return JSON.parse(await sb.ok('gflow', 'queue', '--json', '-n', '1')) && (await daemonInfo(sb)).scheduler.lastPassMs;
}

async function daemonInfo(sb) {
  const token = fs.readFileSync(path.join(sb.configDir, 'token'), 'utf8').trim();
  const r = await fetch(`http://127.0.0.1:${sb.port}/v1/daemon`, { headers: { authorization: `Bearer ${token}` } });
  return r.json();
}

export async function benchScaleQueued(sb) {
  await sb.up('--cpus', '1');
  const blocker = await sb.submit('--', 'sleep', '3600');
  await sb.waitFor(blocker, (j) => j.state === 'running');
  const empty = await submitLatency(sb);
  const emptyPass = await lastPassMs(sb);
  await sb.ok('gflowd', 'down');
  const db = new Database(path.join(sb.stateDir, 'gflow.db'));
  const insert = db.prepare("INSERT INTO jobs (name, user, command, cwd, env, state, submitted_at, token, priority) VALUES (?, ?, '[\"true\"]', '/tmp', '{\"PATH\":\"/usr/bin:/bin\",\"HOME\":\"/root\"}', 'queued', ?, 'x', ?)");
  const now = Date.now();
  db.transaction(() => {
    for (let i = 0; i < QUEUED; i++) insert.run(`job-${i}`, `u${i % 5}`, now, i % 7);
  })();
  db.close();
  const pid = await sb.up('--cpus', '1');
  const full = await submitLatency(sb);
  const passes = [];
  for (let i = 0; i < 5; i++) {
    await sb.ok('gflow', 'submit', '--', 'true');
    passes.push(await lastPassMs(sb));
  }
  return {
    queued: QUEUED,
    submitEmptyMs: empty,
    submitFullMs: full,
    submitRatio: Math.round((full.median / empty.median) * 100) / 100,
    passEmptyMs: emptyPass,
    passFullMs: summarize(passes.filter((p) => p !== null)),
    rssMb: rssMb(pid),
  };
}
