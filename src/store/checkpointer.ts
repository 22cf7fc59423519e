// WAL checkpoints on a thread of their own. SQLite's automatic checkpoint runs inside the commit
// that fills the WAL past 1,000 pages: it copies those pages into the database file and syncs
// both, tens of milliseconds (measured: up to 85 ms during `gflow clean`, 10–15 ms syncs during
// a drain) during which the daemon answers no request. While the database is written, a worker
// thread with its own connection checkpoints shortly after each change of the WAL, and the
// daemon's connection does not. The thread starts once the WAL fills and ends after a quiet
// spell, so an idle daemon carries none (a thread costs ~6 MB); whenever it is not running, the
// connection checkpoints itself as SQLite does by default.
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { packagePath } from '../version.js';
import type { CheckpointMessage, CheckpointWorkerData } from './checkpoint-worker.js';
import type { Db } from './db.js';

const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;
const START_FRAMES = 200;
const LOOK_MS = 250;

export interface CheckpointerOptions {
  /** wait after a change of the WAL before checkpointing (changes meanwhile join it) */
  pauseMs?: number;
  /** the thread ends after this long without a change */
  idleMs?: number;
}

export interface Checkpointer {
  /** Checkpoints what the WAL holds now, on the thread (started if need be). */
  now(): Promise<CheckpointMessage>;
  readonly running: boolean;
  close(): Promise<void>;
}

export function startCheckpointer(db: Db, file: string, warn: (message: string) => void, o: CheckpointerOptions = {}): Checkpointer {
  const data: CheckpointWorkerData = { file, pauseMs: o.pauseMs ?? 200, idleMs: o.idleMs ?? 10_000 };
  const wal = `${path.basename(file)}-wal`;
  let worker: Worker | null = null;
  let waiting: ((m: CheckpointMessage) => void)[] = [];
  let closing = false;

  const start = (): Worker => {
    // Small heaps: the thread runs a few lines of JS (its default limits let its RSS reach tens of MB).
    const w = new Worker(packagePath('dist/src/store/checkpoint-worker.js'), { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 } });
    w.unref();
    w.on('message', (m: CheckpointMessage) => {
      if (m.kind === 'ready') {
        if (db.open) db.pragma('wal_autocheckpoint = 0');
        return;
      }
      if (m.kind === 'failed') warn(`WAL checkpoint: ${m.error}`);
      for (const resolve of waiting.splice(0)) resolve(m);
    });
    w.on('error', (err) => warn(`the WAL checkpoint thread failed (${err.message}); the database checkpoints itself meanwhile`));
    w.on('exit', () => {
      worker = null;
      for (const resolve of waiting.splice(0)) resolve({ kind: 'failed', error: 'the checkpoint thread ended' });
      if (db.open) db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
    });
    return w;
  };
  // While no thread runs, a change of the WAL has the WAL looked at (at most every LOOK_MS); a
  // thread starts once it holds START_FRAMES pages not yet copied: a few writes now and then
  // (an idle daemon's) do not start one, and the connection's own checkpoint at 1,000 is not
  // reached before the thread takes over.
  let look: NodeJS.Timeout | null = null;
  const lookAtWal = (): void => {
    look = null;
    if (worker !== null || closing || !db.open) return;
    const [r] = db.pragma('wal_checkpoint(NOOP)') as { log: number; checkpointed: number }[];
    if (r && r.log - r.checkpointed >= START_FRAMES) worker = start();
  };
  const watcher = fs.watch(path.dirname(file), (_event, name) => {
    if (name !== wal || worker !== null || look !== null || closing) return;
    look = setTimeout(lookAtWal, LOOK_MS);
    look.unref();
  });
  watcher.on('error', (err) => warn(`watching the WAL for checkpoints: ${err.message}`));

  return {
    now: () =>
      new Promise((resolve) => {
        waiting.push(resolve);
        worker ??= start();
        worker.postMessage('checkpoint');
      }),
    get running() {
      return worker !== null;
    },
    close: async () => {
      closing = true;
      watcher.close();
      if (look !== null) clearTimeout(look);
      waiting = [];
      await worker?.terminate();
    },
  };
}
