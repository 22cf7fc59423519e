// The checkpointer's thread (src/store/checkpointer.ts): copies the WAL's pages into the
// database file, away from the daemon's event loop. Woken by changes of the WAL file, at most
// once per pauseMs; after idleMs without one it checkpoints a last time and ends.
import fs from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface CheckpointWorkerData {
  file: string;
  pauseMs: number;
  idleMs: number;
}

export type CheckpointMessage = { kind: 'ready' } | { kind: 'done'; frames: number; copied: number } | { kind: 'failed'; error: string };

const { file, pauseMs, idleMs } = workerData as CheckpointWorkerData;
const port = parentPort!;
const db = new Database(file, { timeout: 5000 });
// A checkpoint copies pages through its own buffer: this connection needs no page cache to speak of.
db.pragma('cache_size = -64');
const wal = `${path.basename(file)}-wal`;
let timer: NodeJS.Timeout | null = null;

function checkpoint(): void {
  timer = null;
  try {
    // PASSIVE: copies what no reader still needs, without waiting for (or blocking) anyone.
    const [r] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    port.postMessage({ kind: 'done', frames: r?.log ?? 0, copied: r?.checkpointed ?? 0 } satisfies CheckpointMessage);
  } catch (err) {
    port.postMessage({ kind: 'failed', error: (err as Error).message } satisfies CheckpointMessage);
  }
}

// Quiet for idleMs: the thread ends (the daemon's connection checkpoints itself meanwhile).
let idle = setTimeout(end, idleMs);
function end(): void {
  if (timer !== null) clearTimeout(timer);
  checkpoint();
  watcher.close();
  db.close();
  port.close();
}

const watcher = fs.watch(path.dirname(file), (_event, name) => {
  if (name !== wal) return;
  idle.refresh();
  if (timer === null) timer = setTimeout(checkpoint, pauseMs);
});
port.on('message', (m: 'checkpoint') => {
  if (m !== 'checkpoint') return;
  idle.refresh();
  checkpoint();
});
port.postMessage({ kind: 'ready' } satisfies CheckpointMessage);
