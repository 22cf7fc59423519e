// Files of removed jobs. A clean deletes jobs' records and, in the same transaction, lists those
// whose files are to go (src/store/job-history.ts); the files go next, and their entries last.
// A daemon killed in between (kill -9 during a clean) leaves the entries: the next clean, and
// the daemon that takes over scheduling, remove what they name. A user's files are removed as
// that user (the executor's purge): root never unlinks in a directory a user controls.
import fs from 'node:fs';
import type { Executor } from '../executor/executor.js';
import type { JobStore } from '../store/jobs.js';
import type { Logger } from './logger.js';

/** Jobs whose files are removed in one go (their owners' log directories are read once per go). */
export const FILES_BATCH = 10_000;

export interface RemovalDeps {
  store: JobStore;
  executor: Executor;
  log: Logger;
}

/**
 * Fault injection for tests: a daemon started with GFLOW_TEST_DIE_BEFORE_FILE_REMOVAL=<file> is
 * killed (SIGKILL, as by kill -9) once jobs' records are gone and before their files go, once
 * (it removes the file).
 */
function dieIfAsked(): void {
  const file = process.env.GFLOW_TEST_DIE_BEFORE_FILE_REMOVAL;
  if (!file || !fs.existsSync(file)) return;
  fs.rmSync(file, { force: true });
  process.kill(process.pid, 'SIGKILL');
}

export class FileRemovals {
  private running: Promise<void> | undefined;

  constructor(private readonly d: RemovalDeps) {}

  /**
   * Removes the files of every job listed. One drain at a time: a caller while one runs joins
   * it, and it reads the list again until the list is empty, so what was listed before the call
   * is gone when the promise resolves.
   */
  drain(): Promise<void> {
    return (this.running ??= this.loop());
  }

  private async loop(): Promise<void> {
    try {
      // `running` is set before the list is read: a loop that found it empty ends with no
      // moment in which a new caller would join a loop that has already looked.
      await Promise.resolve();
      for (;;) {
        if (!this.d.store.db.open) return;
        const jobs = this.d.store.history.filesToRemove(FILES_BATCH);
        if (jobs.length === 0) return;
        dieIfAsked();
        try {
          await this.d.executor.purge(jobs);
        } catch (err) {
          // Left as they are (the entries go): a failure here must not repeat at every clean.
          this.d.log.warn(`clean: files of ${jobs.length} job(s): ${(err as Error).message}`);
        }
        if (!this.d.store.db.open) return;
        this.d.store.unsynced(() => this.d.store.history.filesRemoved(jobs.map((j) => j.id)));
      }
    } finally {
      this.running = undefined;
    }
  }
}

// One per job store (the daemon has one): drains of a clean, of the retention and of the start
// never run side by side.
const perStore = new WeakMap<JobStore, FileRemovals>();

export function fileRemovals(d: RemovalDeps): FileRemovals {
  let r = perStore.get(d.store);
  if (!r) perStore.set(d.store, (r = new FileRemovals(d)));
  return r;
}
