// WAL checkpoints on a thread of their own. SQLite's automatic checkpoint runs inside the commit
// that fills the WAL past 1,000 pages: it copies those pages into the database file and syncs
// both, tens of milliseconds (measured: up to 85 ms during `gflow clean`, 10–15 ms syncs during
// a drain) during which the daemon answers no request. Here a worker thread with its own
// connection checkpoints shortly after the WAL changes, and the daemon's connection never does;
// should the worker stop, the connection checkpoints itself again.
import { Worker } from 'node:worker_threads';
import { packagePath } from '../version.js';
import type { CheckpointMessage, CheckpointWorkerData } from './checkpoint-worker.js';
import type { Db } from './db.js';

const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;

export interface Checkpointer {
  /** Resolves once the worker has checkpointed what the WAL holds now (tests). */
  now(): Promise<CheckpointMessage>;
  close(): Promise<void>;
}

export function startCheckpointer(db: Db, file: string, warn: (message: string) => void, pauseMs = 200): Checkpointer {
  const worker = new Worker(packagePath('dist/src/store/checkpoint-worker.js'), { workerData: { file, pauseMs } satisfies CheckpointWorkerData });
  worker.unref();
  let waiting: ((m: CheckpointMessage) => void)[] = [];
  let closing = false;
  worker.on('message', (m: CheckpointMessage) => {
    if (m.kind === 'ready') db.pragma('wal_autocheckpoint = 0');
    else if (m.kind === 'failed') warn(`WAL checkpoint: ${m.error}`);
    if (m.kind !== 'ready') for (const w of waiting.splice(0)) w(m);
  });
  const selfAgain = (why: string): void => {
    if (db.open) db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
    if (!closing) warn(`the WAL checkpoint thread stopped (${why}); the database checkpoints itself again`);
  };
  worker.on('error', (err) => selfAgain(err.message));
  worker.on('exit', (code) => selfAgain(`exit ${code}`));
  return {
    now: () =>
      new Promise((resolve) => {
        waiting.push(resolve);
        worker.postMessage('checkpoint');
      }),
    close: async () => {
      closing = true;
      waiting = [];
      await worker.terminate();
    },
  };
}
