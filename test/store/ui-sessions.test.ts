// Dashboard sessions and samples in SQLite: secrets are stored hashed, login codes work once,
// for their own UID only, and expire, sessions expire and are pruned; samples are one per minute
// and bounded.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { openDatabase } from '../../src/store/db.js';
import { SampleStore } from '../../src/store/samples.js';
import { UiSessionStore } from '../../src/store/ui-sessions.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gflow-ui-db-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const alice = { uid: 1001, user: 'alice', admin: false };

describe('dashboard sessions', () => {
  const db = openDatabase(path.join(dir, 'sessions.db'));
  const store = new UiSessionStore(db);

  it('keeps only a hash of each secret', () => {
    const secret = store.create('session', alice, 1000, 60_000);
    const rows = db.prepare('SELECT hash FROM ui_sessions').all() as { hash: string }[];
    assert.ok(rows.length > 0 && rows.every((r) => r.hash !== secret && !r.hash.includes(secret)));
    assert.deepEqual(store.find('session', secret, 2000), alice);
  });

  it('lets a login code be taken once, before it expires, and never as a session', () => {
    const code = store.create('code', alice, 1000, 60_000);
    assert.equal(store.find('session', code, 2000), undefined);
    assert.equal(store.take('code', code, 61_000, alice.uid), undefined, 'expired');
    const fresh = store.create('code', alice, 1000, 60_000);
    assert.deepEqual(store.take('code', fresh, 2000, alice.uid), { caller: alice, taken: true });
    assert.equal(store.take('code', fresh, 2000, alice.uid), undefined, 'used twice');
  });

  it("leaves a code where another UID (or one the kernel cannot name) tried to take it", () => {
    const code = store.create('code', alice, 1000, 60_000);
    assert.deepEqual(store.take('code', code, 2000, 1002), { caller: alice, taken: false });
    assert.deepEqual(store.take('code', code, 2000, undefined), { caller: alice, taken: false });
    assert.deepEqual(store.take('code', code, 2000, alice.uid), { caller: alice, taken: true });
  });

  it('forgets expired sessions when pruned', () => {
    const s = store.create('session', alice, 10_000, 1000);
    assert.equal(store.find('session', s, 11_000), undefined);
    assert.ok(store.prune(11_000) >= 1);
    assert.equal((db.prepare('SELECT count(*) AS n FROM ui_sessions WHERE expires_at <= 11000').get() as { n: number }).n, 0);
  });
});

describe('dashboard samples', () => {
  const db = openDatabase(path.join(dir, 'samples.db'));
  const samples = new SampleStore(db);

  it('keeps one sample per instant and prunes old ones', () => {
    const gpus = [{ index: 0, util: 50, memUsedMb: 100, memTotalMb: 1000 }];
    samples.add({ at: 60_000, running: 1, queued: 2, gpus });
    samples.add({ at: 60_000, running: 3, queued: 0, gpus });
    samples.add({ at: 120_000, running: 4, queued: 1, gpus: [] });
    assert.deepEqual(
      samples.since(0).map((s) => [s.at, s.running, s.queued, s.gpus.length]),
      [
        [60_000, 3, 0, 1],
        [120_000, 4, 1, 0],
      ],
    );
    assert.equal(samples.prune(100_000), 1);
    assert.equal(samples.latest(), 120_000);
  });
});
