// Retention: ended jobs' records and files removed (`gflow clean`, and daily with the
// `retention` setting). Jobs that an active job depends on are kept, so that its dependency
// can still be decided.
import type { Executor } from '../executor/executor.js';
import { ENDED_STATES, type JobState } from '../protocol/job.js';
import type { JobStore } from '../store/jobs.js';
import type { Logger } from './logger.js';

export interface CleanOptions {
  olderThanMs: number;
  states: readonly JobState[];
  /** only this owner's jobs (null: everyone's) */
  uid: number | null;
  dryRun: boolean;
  now: number;
}

export async function cleanEnded(d: { store: JobStore; executor: Executor; log: Logger }, o: CleanOptions): Promise<{ removed: number[]; kept: number[] }> {
  const states = o.states.filter((s) => ENDED_STATES.includes(s));
  const candidates = d.store.history.endedBefore(states, o.now - o.olderThanMs, o.uid);
  const needed = d.store.history.neededByActive();
  const kept = candidates.filter((j) => needed.has(j.id)).map((j) => j.id);
  const jobs = candidates.filter((j) => !needed.has(j.id));
  if (o.dryRun || jobs.length === 0) return { removed: jobs.map((j) => j.id), kept };
  // Records first: a job without a record is never looked at again; its files go next.
  d.store.history.deleteEnded(jobs.map((j) => j.id));
  for (const j of jobs) {
    try {
      await d.executor.purge(j);
    } catch (err) {
      d.log.warn(`clean: files of job ${j.id}: ${(err as Error).message}`);
    }
  }
  d.log.event(`cleaned ${jobs.length} ended job(s)${o.uid === null ? '' : ` of uid ${o.uid}`}`);
  return { removed: jobs.map((j) => j.id), kept };
}

const DAY_MS = 86_400_000;

/** The `retention` setting: once a day (and at start), ended jobs older than it are removed. */
export function startRetention(d: { store: JobStore; executor: Executor; log: Logger; leads: () => boolean }, retentionSec: number | null): NodeJS.Timeout | undefined {
  if (retentionSec === null) return undefined;
  const run = (): void => {
    if (!d.leads()) return;
    cleanEnded(d, { olderThanMs: retentionSec * 1000, states: ENDED_STATES, uid: null, dryRun: false, now: Date.now() }).catch((err: Error) => d.log.warn(`retention: ${err.message}`));
  };
  setImmediate(run);
  const timer = setInterval(run, DAY_MS);
  timer.unref();
  return timer;
}
