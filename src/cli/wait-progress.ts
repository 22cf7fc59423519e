// What `gflow wait` says: a line per job as it ends, and a one-line progress display.
import { formatElapsed } from '../core/duration.js';
import { STATE_CODES, type Job } from '../protocol/job.js';

export function endLine(j: Job): string {
  const how = j.exitCode !== null ? `exit ${j.exitCode}${j.signal ? `, ${j.signal}` : ''}` : (j.reason ?? '');
  return `job ${j.id}${j.name ? ` (${j.name})` : ''} ${j.state} (${STATE_CODES[j.state]})${how ? `: ${how}` : ''}`;
}

export interface Counts {
  done: number;
  failed: number;
  running: number;
  waiting: number;
}

export function countJobs(jobs: readonly Job[]): Counts {
  const c: Counts = { done: 0, failed: 0, running: 0, waiting: 0 };
  for (const j of jobs) {
    if (j.state === 'finished') c.done++;
    else if (j.state === 'running') c.running++;
    else if (j.state === 'queued' || j.state === 'hold') c.waiting++;
    else c.failed++;
  }
  return c;
}

/** `done 120 · failed 2 · running 4 · waiting 374 · 3:10 elapsed · ends in ~9:40`. */
export function progressLine(c: Counts, elapsedSec: number): string {
  const ended = c.done + c.failed;
  const left = c.running + c.waiting;
  // The estimate assumes the jobs still to end take as long, on average, as those that did.
  const eta = ended > 0 && left > 0 ? ` · ends in ~${formatElapsed((elapsedSec / ended) * left)}` : '';
  return `done ${c.done} · failed ${c.failed} · running ${c.running} · waiting ${c.waiting} · ${formatElapsed(elapsedSec)} elapsed${eta}`;
}
