// A 20,000-task array (issue 17, point 14): its submit, the drain rate with 20,000 queued
// behind 2 slots, cancelling what is left in one request, and the daemon's RSS before, at the
// peak and after (memory must come back once the array is gone).
import { rssMb } from './stats.mjs';
import { setTimeout as sleep } from 'node:timers/promises';

const TASKS = Number(process.env.BENCH_ARRAY_TASKS ?? 20_000);
const DRAIN_SAMPLE = 500;

export async function benchArray20k(sb) {
  const pid = await sb.daemonPid();
  const rssBefore = rssMb(pid);
  let t = performance.now();
  const out = await sb.ok('gflow', 'submit', '--array', `1-${TASKS}`, '--name', 'big', '--', 'true');
  const submitMs = performance.now() - t;
  const first = Number(/Submitted .*?(\d+)/.exec(out)[1]);
  const rssQueued = rssMb(pid);
  // Drain rate: time for DRAIN_SAMPLE tasks to end, read off their recorded end times.
  const doneBy = first + DRAIN_SAMPLE + 10;
  t = performance.now();
  for (;;) {
    const j = await sb.job(doneBy);
    if (j.finishedAt) break;
    await sleep(200);
  }
  const drainSec = (performance.now() - t) / 1000;
  const rssPeak = rssMb(pid);
  t = performance.now();
  await sb.ok('gflow', 'cancel', '@');
  const cancelMs = performance.now() - t;
  // Memory settles once the queue is empty (GC runs on its own schedule: give it a few seconds).
  await sleep(5000);
  const rssAfter = rssMb(pid);
  return { tasks: TASKS, submitMs: Math.round(submitMs), drainJobsPerSec: Math.round((DRAIN_SAMPLE + 10) / drainSec), cancelMs: Math.round(cancelMs), rssMb: { before: rssBefore, queued: rssQueued, peak: rssPeak, after: rssAfter } };
}
