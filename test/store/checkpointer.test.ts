// The WAL checkpointer's thread: it starts when the WAL changes, the daemon's connection stops
// checkpointing in its commits meanwhile, the thread copies the WAL into the database file, and
// after a quiet spell it ends and the connection checkpoints itself again.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { startCheckpointer } from '../../src/store/checkpointer.js';
import { openDatabase } from '../../src/store/db.js';
import { waitUntil } from '../../src/cli/gflowd/wait-until.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gflow-ckpt-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

// Frames in the WAL that no checkpoint has copied yet, seen from a connection of the test's own.
const pending = (file: string): number => {
  const db = openDatabase(file);
  try {
    const [r] = db.pragma('wal_checkpoint(NOOP)') as { log: number; checkpointed: number }[];
    return r!.log - r!.checkpointed;
  } finally {
    db.close();
  }
};
const until = (ready: () => boolean, what: string) => waitUntil(ready, { intervalMs: 10, timeoutMs: 10_000 }).then((ok) => assert.ok(ok, what));

describe('WAL checkpointer', () => {
  it('runs while the database is written, checkpointing on its own thread, and ends when it is quiet', async () => {
    const file = path.join(dir, 'a.db');
    const db = openDatabase(file);
    const warnings: string[] = [];
    const ck = startCheckpointer(db, file, (m) => warnings.push(m), { pauseMs: 20, idleMs: 500 });
    const autocheckpoint = (): unknown => db.pragma('wal_autocheckpoint', { simple: true });
    assert.equal(ck.running, false, 'no thread before a write');
    assert.equal(autocheckpoint(), 1000);

    const insert = db.prepare("INSERT INTO settings (key, value) VALUES (?, '\"x\"')");
    insert.run('first');
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(ck.running, false, 'one write starts no thread');
    // 3,000 commits: far more than the 1,000 pages after which SQLite checkpoints in a commit.
    for (let i = 0; i < 3000; i++) {
      insert.run(`k${i}`);
      if (i % 300 === 0) await new Promise((r) => setImmediate(r));
    }
    await until(() => ck.running && autocheckpoint() === 0, 'many writes start the thread, and the connection leaves checkpoints to it');
    await until(() => pending(file) === 0, 'the thread copied the WAL into the database, unasked');

    await until(() => !ck.running, 'the thread ends after a quiet spell');
    assert.equal(autocheckpoint(), 1000, 'the connection checkpoints itself again');
    insert.run('later');
    assert.equal((await ck.now()).kind, 'done', 'asked, it starts again');
    assert.equal(pending(file), 0);

    await ck.close();
    assert.equal(autocheckpoint(), 1000);
    assert.deepEqual(warnings, []);
    db.close();
  });
});
