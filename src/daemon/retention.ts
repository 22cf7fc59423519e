// Retention: ended jobs' records and files removed (`gflow clean`, and daily with the
// `retention` setting). Jobs that an active job depends on are kept, so that its dependency
// can still be decided.
import type { Executor } from '../executor/executor.js';
import { ENDED_STATES, type JobState } from '../protocol/job.js';
import type { JobStore } from '../store/jobs.js';
import { FILES_BATCH, fileRemovals } from './file-removals.js';
import type { Logger } from './logger.js';

export interface CleanOptions {
  olderThanMs: number;
  states: readonly JobState[];
  /** only this owner's jobs (null: everyone's) */
  uid: number | null;
  dryRun: boolean;
  now: number;
}

/** Ids per step: a step's records go in one short transaction, then the loop yields to requests. */
const STEP = 400;

/**
 * Removes ended jobs' records, then their files (src/daemon/file-removals.ts: also what an
 * earlier clean cut off by a crash left); answers once both are gone.
 */
export async function cleanEnded(d: { store: JobStore; executor: Executor; log: Logger }, o: CleanOptions): Promise<{ removed: number[]; kept: number[] }> {
  const states = o.states.filter((s) => ENDED_STATES.includes(s));
  const needed = d.store.history.neededByActive();
  const files = fileRemovals(d);
  const removed: number[] = [];
  const kept: number[] = [];
  let pending = 0;
  for (let after = 0; ; ) {
    const page = d.store.history.endedBefore(states, o.now - o.olderThanMs, o.uid, after, STEP);
    if (page.length === 0) break;
    after = page[page.length - 1]!.id;
    const jobs = page.filter((j) => (needed.has(j.id) ? (kept.push(j.id), false) : true));
    if (!o.dryRun && jobs.length > 0) {
      // Records first, with the list of files to remove: a job without a record is never looked
      // at again; its files go next.
      d.store.unsynced(() => d.store.history.deleteEnded(jobs.map((j) => j.id)));
      pending += jobs.length;
      if (pending >= FILES_BATCH) {
        await files.drain();
        pending = 0;
      }
    }
    for (const j of jobs) removed.push(j.id);
    await new Promise((r) => setImmediate(r));
  }
  if (!o.dryRun) await files.drain();
  if (!o.dryRun && removed.length > 0) d.log.event(`cleaned ${removed.length} ended job(s)${o.uid === null ? '' : ` of uid ${o.uid}`}`);
  return { removed, kept };
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
