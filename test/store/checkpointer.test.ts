// The WAL checkpointer's thread: the daemon's connection stops checkpointing in its commits, the
// thread copies the WAL into the database file once it changed, and the connection takes over
// again should the thread stop.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
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
  } catch {
    return -1;
  } finally {
    db.close();
  }
};

describe('WAL checkpointer', () => {
  it('checkpoints on its own thread after writes; the connection checkpoints again once the thread stops', async () => {
    const file = path.join(dir, 'a.db');
    const db = openDatabase(file);
    const warnings: string[] = [];
    const ck = startCheckpointer(db, file, (m) => warnings.push(m), 20);
    assert.ok(await waitUntil(() => db.pragma('wal_autocheckpoint', { simple: true }) === 0, { intervalMs: 5, timeoutMs: 10_000 }), 'the connection leaves checkpoints to the thread');
    const insert = db.prepare("INSERT INTO settings (key, value) VALUES (?, '\"x\"')");
    // 3,000 commits: far more than the 1,000 pages after which SQLite checkpoints in a commit.
    for (let i = 0; i < 3000; i++) insert.run(`k${i}`);
    assert.ok(await waitUntil(async () => (await ck.now()).kind === 'done' && pending(file) === 0, { intervalMs: 50, timeoutMs: 10_000 }), 'the thread copied the WAL into the database');
    // Woken by the WAL's changes alone.
    insert.run('late');
    assert.ok(await waitUntil(() => pending(file) === 0, { intervalMs: 20, timeoutMs: 10_000 }), 'a later write is checkpointed without being asked');

    await ck.close();
    await sleep(10);
    assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 1000, 'the connection checkpoints itself again');
    assert.deepEqual(warnings, [], 'a close is no failure');
    db.close();
  });
});
