// Scale: `gflow queue` with 100,000 ended jobs in the database against an empty one; daemon
// memory idle and after; CPU use of an idle daemon; one scheduling pass over 10,000 jobs.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { planStarts } from '../../dist/src/core/plan.js';
import { rssMb, summarize, timeCli } from './stats.mjs';

const ENDED = Number(process.env.BENCH_ENDED_JOBS ?? 100_000);


function cpuTicks(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').slice(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime
}


export async function benchScale(sb) {
  const pid = await sb.up();
  const idleRss = rssMb(pid);
  // An idle daemon: CPU time over 10 s.
  const before = cpuTicks(pid);
  await new Promise((r) => setTimeout(r, 10_000));
  const idleCpuPct = Math.round(((cpuTicks(pid) - before) / 100 / 10) * 1000) / 10;
  const emptyQueue = await timeCli(sb, ['queue']);
  const emptyAll = await timeCli(sb, ['queue', '-a', '-n', '50']);
  await sb.ok('gflowd', 'down');

  const db = new Database(path.join(sb.stateDir, 'gflow.db'));
  const insert = db.prepare("INSERT INTO jobs (name, user, command, cwd, env, state, reason, submitted_at, started_at, finished_at, exit_code, ended_by, token) VALUES (?, 'bench', '[\"true\"]', '/tmp', '{\"PATH\":\"/usr/bin:/bin\",\"HOME\":\"/root\"}', 'finished', NULL, ?, ?, ?, 0, 'natural', 'x')");
  const now = Date.now();
  db.transaction(() => {
    for (let i = 0; i < ENDED; i++) insert.run(`job-${i}`, now - 1000, now - 900, now - 800);
  })();
  db.close();

  const pid2 = await sb.up();
  const fullQueue = await timeCli(sb, ['queue']);
  const fullAll = await timeCli(sb, ['queue', '-a', '-n', '50']);
  const fullRss = rssMb(pid2);

  const candidates = Array.from({ length: 10_000 }, (_, i) => ({ id: i + 1, user: `u${i % 5}`, project: null, priority: i % 7, cpus: 1, gpus: i % 3 === 0 ? 1 : 0, gpuShared: false, gpuMemoryMb: null, memMb: null, groupId: null, maxConcurrent: null, beginAt: null, dependsOn: [], dependsMode: 'all', autoCancel: true }));
  // Five users with different usage: the fair-share order is part of the pass.
  const usage = new Map(Array.from({ length: 5 }, (_, u) => [`u${u}`, u * 1.5]));
  const gpus = [0, 1, 2, 3].map((index) => ({ index, memoryTotalMb: 24576, usable: true, exclusive: false, sharedMb: 0, sharedJobs: 0 }));
  const pass = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    planStarts(candidates, { freeCpus: 64, totalCpus: 64, gpus, groupRunning: new Map(), strategy: 'sequential', now: Date.now(), usage });
    pass.push(performance.now() - t);
  }
  return {
    endedJobs: ENDED,
    queueEmptyMs: emptyQueue,
    queueFullMs: fullQueue,
    queueRatio: Math.round((fullQueue.median / emptyQueue.median) * 100) / 100,
    queueAllN50EmptyMs: emptyAll,
    queueAllN50FullMs: fullAll,
    queueAllRatio: Math.round((fullAll.median / emptyAll.median) * 100) / 100,
    rssIdleMb: idleRss,
    rssAfterMb: fullRss,
    idleCpuPct,
    pass10kMs: summarize(pass),
  };
}
