// Scale, history side: 1,000,000 ended jobs. `gflow queue` (active jobs) against an empty
// database; `gflow clean` of 900,000 of them (wall time), while a probe asks the API every 10 ms
// and records the longest answer (how long the clean held requests up). One old job in ten has
// its log and status file on disk.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import Database from 'better-sqlite3';
import { timeCli } from './stats.mjs';

const ENDED = Number(process.env.BENCH_ENDED_JOBS_BIG ?? 1_000_000);
const OLD = Math.round(ENDED * 0.9);


function probe(port, token) {
  return new Promise((resolve) => {
    const t = performance.now();
    const req = http.get({ host: '127.0.0.1', port, path: '/v1/jobs?limit=1', agent: false, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - t));
    });
    req.on('error', () => resolve(Infinity));
  });
}

export async function benchScaleEnded(sb) {
  await sb.up('--cpus', '2');
  const empty = await timeCli(sb, ['queue']);
  await sb.ok('gflowd', 'down');
  const db = new Database(path.join(sb.stateDir, 'gflow.db'));
  // One job in ten ran in a session (and left files, below); the others are as if cancelled while queued.
  const insert = db.prepare("INSERT INTO jobs (name, user, command, cwd, env, state, submitted_at, started_at, finished_at, exit_code, ended_by, token, session_closed, session) VALUES (?, 'bench', '[\"true\"]', '/tmp', '{}', ?, ?, ?, ?, ?, 'natural', 'x', 1, ?)");
  const now = Date.now();
  const fillStart = performance.now();
  db.transaction(() => {
    for (let i = 0; i < ENDED; i++) {
      // Jobs end in the order they were submitted, 100 ms apart (the old ones over a day, three
      // days ago), with run times that vary: an index over end times follows the ids, as in a
      // real history. (Ending 900,000 jobs in the same millisecond put the stats index in the
      // order of run times instead, and made each clean step rewrite hundreds of its pages.)
      const at = i < OLD ? now - 3 * 86_400_000 - (OLD - i) * 100 : now - 3_600_000 + (i - OLD) * 10;
      insert.run(`job-${i}`, i % 10 === 0 ? 'failed' : 'finished', at - 60_000, at - 50_000 + (i % 1000) * 10, at, i % 10 === 0 ? 1 : 0, i % 10 === 0 ? `gjob-${i + 1}` : null);
    }
  })();
  db.close();
  // Files as ended jobs leave them (a log and a status file), for one old job in ten: the clean
  // removes real files, and lists of directories this full are what used to hold requests up.
  for (const dir of ['logs', 'status']) fs.mkdirSync(path.join(sb.stateDir, dir), { recursive: true });
  for (let id = 1; id <= OLD; id += 10) {
    fs.writeFileSync(path.join(sb.stateDir, 'logs', `${id}.log`), 'done\n');
    fs.writeFileSync(path.join(sb.stateDir, 'status', String(id)), '0\n');
  }
  const fillMs = performance.now() - fillStart;
  await sb.up('--cpus', '2');
  const full = await timeCli(sb, ['queue']);
  const token = fs.readFileSync(path.join(sb.configDir, 'token'), 'utf8').trim();
  let cleaning = true;
  const latencies = [];
  const probing = (async () => {
    while (cleaning) {
      latencies.push(await probe(sb.port, token));
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const t = performance.now();
  const out = await sb.ok('gflow', 'clean', '--older-than', '2d');
  const cleanMs = performance.now() - t;
  cleaning = false;
  await probing;
  const left = fs.readdirSync(path.join(sb.stateDir, 'logs')).length;
  if (left > ENDED - OLD) throw new Error(`clean left ${left} logs`);
  return {
    endedJobs: ENDED,
    fillMs: Math.round(fillMs),
    queueEmptyMs: empty,
    queueFullMs: full,
    queueRatio: Math.round((full.median / empty.median) * 100) / 100,
    cleaned: Number(/Removed (\d+)/.exec(out)?.[1] ?? 0),
    cleanMs: Math.round(cleanMs),
    apiDuringClean: { probes: latencies.length, maxMs: Math.round(Math.max(...latencies)), p99Ms: Math.round(latencies.sort((a, b) => a - b)[Math.floor(latencies.length * 0.99)] ?? 0) },
  };
}
