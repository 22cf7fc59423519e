// Schema 7: usage, quotas and reservations on a real SQLite file.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { NEW_JOB_DEFAULTS, type NewJob } from '../../src/core/job.js';
import { openDatabase } from '../../src/store/db.js';
import { JobStore } from '../../src/store/jobs.js';
import { QuotaStore } from '../../src/store/quotas.js';
import { ReservationStore } from '../../src/store/reservations.js';
import { UsageStore } from '../../src/store/usage.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gflow-policy-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const H = 3_600_000;

const job = (over: Partial<NewJob> = {}): NewJob => ({ ...NEW_JOB_DEFAULTS, user: 'ann', command: ['true'], cwd: '/', env: {}, token: 't', ...over });

describe('policy tables (schema 7)', () => {
  it('migrates a schema-6 file, keeping its jobs, and stores --mem', () => {
    const file = path.join(dir, 'v6.db');
    const old = openDatabase(file, 6);
    old.prepare("INSERT INTO jobs (user, command, cwd, env, state, submitted_at, token) VALUES ('u', '[\"true\"]', '/', '{}', 'queued', 1, 't')").run();
    old.close();
    const store = new JobStore(openDatabase(file), (id) => `/logs/${id}.log`);
    assert.equal(store.require(1).memMb, null);
    assert.equal(store.insert(job({ memMb: 2048 }), 2).memMb, 2048);
    assert.equal(store.planningView().find((j) => j.id === 2)?.memMb, 2048);
    store.db.close();
  });

  it('decays and adds usage per user as jobs end', () => {
    const db = openDatabase(path.join(dir, 'usage.db'));
    const usage = new UsageStore(db);
    usage.record({ user: 'ann', cpus: 2, gpus: 1, startedAt: 0, finishedAt: 1 * H }, 1);
    usage.record({ user: 'ann', cpus: 1, gpus: 0, startedAt: 1 * H, finishedAt: 2 * H }, 1);
    usage.record({ user: 'bob', cpus: 1, gpus: 0, startedAt: null, finishedAt: 2 * H }, 1); // never ran: nothing
    assert.deepEqual(usage.all(), [{ user: 'ann', cpuHours: 2 * 0.5 + 1, gpuHours: 0.5, at: 2 * H, jobs: 2 }]);
    db.close();
  });

  it('sets quotas limit by limit, lists and removes them, and counts waiting jobs', () => {
    const db = openDatabase(path.join(dir, 'quotas.db'));
    const quotas = new QuotaStore(db);
    quotas.set('user', 'ann', { maxRunning: 2 });
    assert.deepEqual(quotas.set('user', 'ann', { maxGpus: 1 }), { scope: 'user', name: 'ann', maxRunning: 2, maxGpus: 1, maxQueued: null });
    quotas.set('default', '', { maxQueued: 100 });
    quotas.set('user', 'ann', { maxRunning: null });
    assert.deepEqual(quotas.list().map((q) => [q.scope, q.name, q.maxRunning, q.maxGpus, q.maxQueued]), [['default', '', null, null, 100], ['user', 'ann', null, 1, null]]);
    assert.equal(quotas.remove('user', 'ann'), true);
    assert.equal(quotas.remove('user', 'ann'), false);
    const store = new JobStore(db, (id) => `/logs/${id}.log`);
    store.insert(job({ project: 'nlp' }), 1);
    store.insert(job({ hold: true }), 1);
    store.insert(job({ user: 'bob', project: 'nlp' }), 1);
    assert.deepEqual(quotas.waiting('ann', 'nlp'), { user: 2, project: 2 });
    db.close();
  });

  it('keeps reservations until their window ends or they are cancelled', () => {
    const db = openDatabase(path.join(dir, 'res.db'));
    const rs = new ReservationStore(db);
    const a = rs.insert({ user: 'bob', gpus: null, gpuIds: [0, 2], startAt: 10, endAt: 20 }, 1);
    const b = rs.insert({ user: 'cid', gpus: 1, gpuIds: null, startAt: 15, endAt: 30 }, 1);
    assert.deepEqual(a, { id: 1, user: 'bob', gpus: null, gpuIds: [0, 2], startAt: 10, endAt: 20, createdAt: 1 });
    assert.deepEqual(rs.current(0).map((r) => r.id), [a.id, b.id]);
    assert.deepEqual(rs.current(20).map((r) => r.id), [b.id]);
    assert.equal(rs.cancel(b.id, 25), true);
    assert.equal(rs.cancel(b.id, 25), false);
    assert.deepEqual(rs.current(20), []);
    db.close();
  });
});
