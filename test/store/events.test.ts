// The event log: an event exists exactly when its change does (same transaction).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { NEW_JOB_DEFAULTS, type NewJob } from '../../src/core/job.js';
import { openDatabase } from '../../src/store/db.js';
import { JobStore } from '../../src/store/jobs.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gflow-events-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const job = (over: Partial<NewJob> = {}): NewJob => ({
  ...NEW_JOB_DEFAULTS,
  name: null, user: 'u', command: ['true'], script: null, cwd: '/', env: { SECRET: 'x' }, priority: 0, cpus: 1, timeLimitSec: null, hold: false, token: 't', ...over,
});

describe('event log', () => {
  const store = new JobStore(openDatabase(path.join(dir, 'e.db')), (j) => `/logs/${j.id}.log`);

  it('writes one event per change, and none for a change that is refused or rolled back', () => {
    const { id } = store.insert(job(), 1);
    store.transition(id, 'running', { startedAt: 2 });
    assert.throws(() => store.transition(id, 'hold'));
    assert.throws(() =>
      store.atomically(() => {
        store.transition(id, 'finished', { finishedAt: 3, exitCode: 0 });
        throw new Error('rolled back');
      }),
    );
    store.transition(id, 'failed', { finishedAt: 4, exitCode: 1 });
    const events = store.events.since({ after: 0, limit: 100 });
    assert.deepEqual(events.map((e) => e.type), ['job.submitted', 'job.started', 'job.ended']);
    assert.deepEqual(events.map((e) => e.id), [1, 2, 3]);
    // Nothing private travels: no environment, no token, no command.
    assert.doesNotMatch(JSON.stringify(events), /SECRET|"token"|"command"/);
  });

  it('keeps the newest events within the count and age limits', () => {
    for (let i = 0; i < 10; i++) store.insert(job(), 10);
    const last = store.events.lastId();
    store.atomically(() => store.events.prune(0, 4));
    assert.equal(store.events.firstId(), last - 3);
    store.atomically(() => store.events.prune(Date.now() + 1, 1_000_000));
    assert.equal(store.events.firstId(), null);
    // Ids are never reused after a prune.
    store.insert(job(), 11);
    assert.equal(store.events.lastId(), last + 1);
  });
});
