import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { openDatabase, schemaVersion } from '../../src/store/db.js';
import { NEW_JOB_DEFAULTS, type NewJob } from '../../src/core/job.js';
import { JobStore } from '../../src/store/jobs.js';
import { SCHEMA_VERSION } from '../../src/store/migrations.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gflow-db-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const job = (over: Partial<NewJob> = {}): NewJob => ({
  ...NEW_JOB_DEFAULTS,
  name: null, user: 'u', command: ['true'], script: null, cwd: '/', env: {}, priority: 0, cpus: 1, timeLimitSec: null, hold: false, token: 't', ...over,
});

describe('state database', () => {
  it('opens a database written by schema 1 and migrates it, keeping its jobs', () => {
    const file = path.join(dir, 'v1.db');
    const old = openDatabase(file, 1);
    assert.equal(schemaVersion(old), 1);
    old.prepare("INSERT INTO jobs (user, command, cwd, env, state, submitted_at, token) VALUES ('u', '[\"true\"]', '/', '{}', 'queued', 1, 't')").run();
    old.close();
    const db = openDatabase(file);
    assert.equal(schemaVersion(db), SCHEMA_VERSION);
    const store = new JobStore(db, (j) => `/logs/${j.id}.log`);
    const row = store.require(1);
    assert.equal(row.state, 'queued');
    assert.equal(row.stopRequest, null);
    store.requestStop(1, 'cancel', 2); // only running jobs are affected
    assert.equal(store.require(1).stopRequest, null);
    db.close();
  });

  it('keeps an older daemon working while a newer one migrates the shared file (reload)', () => {
    const file = path.join(dir, 'shared.db');
    const older = openDatabase(file, 2);
    // The statements a schema-2 daemon issues: its own columns only.
    const insert = older.prepare("INSERT INTO jobs (name, user, command, script, cwd, env, priority, cpus, time_limit_sec, state, reason, submitted_at, token) VALUES (NULL, 'u', '[\"true\"]', NULL, '/', '{}', 0, 1, NULL, 'queued', NULL, ?, 't')");
    const start = older.prepare("UPDATE jobs SET state = 'running', started_at = ? WHERE id = ? AND state = 'queued'");
    const first = Number(insert.run(1).lastInsertRowid);
    const newer = openDatabase(file);
    assert.equal(schemaVersion(newer), SCHEMA_VERSION);
    // The old connection goes on as before on the migrated schema.
    const second = Number(insert.run(2).lastInsertRowid);
    assert.equal(start.run(3, first).changes, 1);
    assert.deepEqual((older.prepare('SELECT id FROM jobs ORDER BY id').all() as { id: number }[]).map((r) => r.id), [first, second]);
    const store = new JobStore(newer, (j) => `/logs/${j.id}.log`);
    assert.equal(store.require(first).state, 'running');
    assert.equal(store.toJob(store.require(second)).gpus, 0, 'new columns get their defaults');
    older.close();
    newer.close();
  });

  it('never reuses a job id, even after the newest job is deleted', () => {
    const db = openDatabase(path.join(dir, 'ids.db'));
    const store = new JobStore(db, (j) => `/logs/${j.id}.log`);
    const a = store.insert(job(), 1).id;
    const b = store.insert(job(), 2).id;
    db.prepare('DELETE FROM jobs WHERE id = ?').run(b);
    const c = store.insert(job(), 3).id;
    assert.deepEqual([a, b, c], [1, 2, 3]);
    db.close();
  });

  it('refuses a foreign SQLite file and a corrupt file, leaving both untouched', async () => {
    const foreign = path.join(dir, 'foreign.db');
    const Database = (await import('better-sqlite3')).default;
    const f = new Database(foreign);
    f.exec('CREATE TABLE notes (body TEXT)');
    f.close();
    const before = fs.readFileSync(foreign);
    assert.throws(() => openDatabase(foreign), /is not a gflow database/);
    assert.deepEqual(fs.readFileSync(foreign), before);

    const corrupt = path.join(dir, 'corrupt.db');
    fs.writeFileSync(corrupt, Buffer.alloc(8192, 7));
    assert.throws(() => openDatabase(corrupt), /not a gflow database|cannot open database/);
    assert.deepEqual(fs.readFileSync(corrupt), Buffer.alloc(8192, 7));
  });

  it('refuses a database from a newer gflow', () => {
    const file = path.join(dir, 'newer.db');
    const db = openDatabase(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    assert.throws(() => openDatabase(file), /newer than this gflow/);
  });

  it('moves states only through the transition rules', () => {
    const db = openDatabase(path.join(dir, 'moves.db'));
    const store = new JobStore(db, (j) => `/logs/${j.id}.log`);
    const id = store.insert(job({ hold: true }), 1).id;
    assert.throws(() => store.transition(id, 'running'), /cannot start job/);
    // What a move returns is the row as read back (it is built, not read: see JobStore.transition).
    assert.deepEqual(store.transition(id, 'queued'), store.require(id));
    assert.deepEqual(store.transition(id, 'running', { startedAt: 5, session: 'gjob-1', gpuIds: [0, 1], reason: null }), store.require(id));
    assert.deepEqual(store.transition(id, 'finished', { exitCode: 0, finishedAt: 6, endedBy: 'natural', gpuIds: null, signal: undefined }), store.require(id));
    assert.throws(() => store.transition(id, 'cancelled'), /it is finished/);
    const j = store.toJob(store.require(id));
    assert.equal(j.state, 'finished');
    assert.equal(j.startedAt, new Date(5).toISOString());
    db.close();
  });

  it('decodes rows once: real booleans, lists, and what a job was cancelled by (backfilled from schema 4)', () => {
    const file = path.join(dir, 'v4.db');
    const old = openDatabase(file, 4);
    const add = old.prepare("INSERT INTO jobs (user, command, cwd, env, state, reason, submitted_at, token, depends_on, auto_cancel) VALUES ('u', '[\"true\"]', '/', '{}', ?, ?, 1, 't', ?, 1)");
    add.run('failed', 'exit code 1', null);
    add.run('cancelled', 'dependency 1 failed', '[1]');
    add.run('cancelled', 'cancelled by user', null);
    old.close();
    const db = openDatabase(file);
    const store = new JobStore(db, (j) => `/logs/${j.id}.log`);
    const child = store.require(2);
    assert.deepEqual([child.cancelledBy, child.dependsOn, child.autoCancel, child.escalated], [1, [1], true, false]);
    assert.equal(store.require(3).cancelledBy, null);
    assert.deepEqual(store.lineage.cancelledBecauseOf(1).map((j) => j.id), [2]);
    assert.deepEqual(store.require(1).dependsOn, []);
    db.close();
  });
});
