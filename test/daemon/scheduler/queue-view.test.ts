// The scheduler's in-memory queue against a real SQLite file: kept up to date from the event
// log, split into jobs that only wait for room and jobs whose readiness is looked up, in id order.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { NEW_JOB_DEFAULTS, type NewJob } from '../../../src/core/job.js';
import { mergeById, QueueView, type QueueSplit } from '../../../src/daemon/scheduler/queue-view.js';
import { openDatabase, type Db } from '../../../src/store/db.js';
import { JobStore } from '../../../src/store/jobs.js';

const spec = (over: Partial<NewJob> = {}): NewJob => ({ ...NEW_JOB_DEFAULTS, user: 'u', command: ['true'], cwd: '/', env: {}, token: 'tok', ...over });
let time = 1_000_000;
const clock = { now: () => time, setTimeout: () => 0, clearTimeout: () => {} };
const ids = (s: QueueSplit): { plain: number[]; gated: number[] } => ({ plain: s.plain.map((j) => j.id), gated: s.gated.map((j) => j.id) });

describe('queue view', () => {
  let dir: string;
  let db: Db;
  let store: JobStore;
  let view: QueueView;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gflow-qv-'));
    db = openDatabase(path.join(dir, 'gflow.db'));
    store = new JobStore(db, (j) => `/logs/${j.id}.log`);
    view = new QueueView(store, clock);
  });

  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps jobs with dependencies or a singleton name apart from the others, in id order', () => {
    const a = store.insert(spec(), 1).id;
    const b = store.insert(spec({ dependsOn: [a] }), 1).id;
    const c = store.insert(spec({ name: 'once', singleton: true }), 1).id;
    const d = store.insert(spec({ name: 'plain' }), 1).id;
    assert.deepEqual(ids(view.current()), { plain: [a, d], gated: [b, c] });
    // What came after the first read is applied from the events.
    const e = store.insert(spec({ dependsOn: [d] }), 2).id;
    const f = store.insert(spec(), 2).id;
    assert.deepEqual(ids(view.current()), { plain: [a, d, f], gated: [b, c, e] });
  });

  it('moves a job between the two when an update adds or drops its dependencies, keeping id order', () => {
    const a = store.insert(spec(), 1).id;
    const b = store.insert(spec(), 1).id;
    const c = store.insert(spec(), 1).id;
    view.current();
    store.update(a, { dependsOn: [c] });
    assert.deepEqual(ids(view.current()), { plain: [b, c], gated: [a] });
    store.update(a, { dependsOn: [] });
    assert.deepEqual(ids(view.current()), { plain: [a, b, c], gated: [] });
  });

  it('drops jobs that leave the queue and puts a released one back in id order', () => {
    const a = store.insert(spec(), 1).id;
    const b = store.insert(spec(), 1).id;
    const c = store.insert(spec(), 1).id;
    view.current();
    store.transition(a, 'hold');
    store.transition(b, 'running');
    assert.deepEqual(ids(view.current()), { plain: [c], gated: [] });
    store.transition(a, 'queued');
    assert.deepEqual(ids(view.current()), { plain: [a, c], gated: [] });
    assert.equal(view.get(b), undefined);
  });

  it('tells which plain jobs changed since it was last asked, with those that have a begin time', () => {
    const a = store.insert(spec(), 1).id;
    const b = store.insert(spec({ beginAt: 5_000_000, gpus: 1 }), 1).id;
    view.refresh();
    assert.equal(view.takeChanged(), null, 'after a full read every job is new');
    assert.deepEqual(view.asks, { gpus: true, mem: false, noCpu: false });
    const c = store.insert(spec({ memMb: 100 }), 2).id;
    store.update(a, { priority: 3 });
    store.insert(spec({ dependsOn: [a] }), 2);
    view.refresh();
    assert.deepEqual(view.takeChanged()!.map((j) => j.id), [a, b, c]);
    assert.deepEqual(view.asks, { gpus: true, mem: true, noCpu: false });
    view.refresh();
    assert.deepEqual(view.takeChanged()!.map((j) => j.id), [b]);
    store.transition(b, 'cancelled');
    view.refresh();
    assert.deepEqual(view.takeChanged(), []);
    assert.deepEqual(view.asks, { gpus: false, mem: true, noCpu: false });
    assert.deepEqual(view.timedJobs(), []);
  });

  it('reads the whole queue again now and then, in the background, with what changed meanwhile', async () => {
    const a = store.insert(spec(), 1).id;
    const b = store.insert(spec(), 1).id;
    view.refresh();
    db.prepare('UPDATE jobs SET priority = 9 WHERE id = ?').run(a); // a change no event told of
    time += 5 * 60_000 + 1;
    view.refresh(); // starts the re-read; the view meanwhile is the one it had
    assert.equal(view.get(a)!.priority, 0);
    const c = store.insert(spec(), 2).id;
    store.transition(b, 'running');
    await view.settle();
    view.refresh();
    assert.deepEqual(view.plainJobs().map((j) => j.id), [a, c]);
    assert.equal(view.get(a)!.priority, 9);
    assert.equal(view.takeChanged(), null, 'every job is planned again after it');
  });

  it('keeps the reasons the scheduler stored', () => {
    const a = store.insert(spec(), 1).id;
    view.current();
    view.setReason(a, 'waiting for 1 CPU');
    assert.equal(view.current().plain[0]!.reason, 'waiting for 1 CPU');
  });

  it('merges two lists in id order', () => {
    const j = (id: number): { id: number } => ({ id });
    assert.deepEqual(mergeById([j(1), j(4), j(5)], [j(2), j(3), j(9)]).map((x) => x.id), [1, 2, 3, 4, 5, 9]);
    assert.deepEqual(mergeById([], [j(2)]).map((x) => x.id), [2]);
    assert.deepEqual(mergeById([j(1)], []).map((x) => x.id), [1]);
  });
});
