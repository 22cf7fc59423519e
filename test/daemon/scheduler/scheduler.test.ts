// The scheduler against a fake executor, a hand-driven clock and a real SQLite file: the
// orderings that end-to-end tests cannot force.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { NEW_JOB_DEFAULTS, type NewJob } from '../../../src/core/job.js';
import type { GpuSlot } from '../../../src/core/plan.js';
import { Logger } from '../../../src/daemon/logger.js';
import type { Clock } from '../../../src/daemon/scheduler/clock.js';
import type { GpuView } from '../../../src/daemon/scheduler/planning.js';
import { Scheduler } from '../../../src/daemon/scheduler/scheduler.js';
import { readStat } from '../../../src/executor/proc.js';
import { openDatabase, type Db } from '../../../src/store/db.js';
import { JobStore } from '../../../src/store/jobs.js';
import { policyStores } from '../../../src/store/policy.js';
import { deferred, FakeExecutor } from '../../helpers/fake-executor.js';

class ManualClock implements Clock {
  private t = 1_000_000;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private seq = 0;
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }
  advance(ms: number): void {
    this.t += ms;
    const due = this.timers.filter((x) => x.at <= this.t);
    this.timers = this.timers.filter((x) => x.at > this.t);
    for (const x of due) x.fn();
  }
}

/** GPUs as the planner sees them, with a refresh the test can hold. */
class FakeGpus implements GpuView {
  readonly strategy = 'sequential' as const;
  gate: Promise<void> | null = null;
  refreshes = 0;
  constructor(private readonly count: number) {}
  async refresh(): Promise<void> {
    this.refreshes++;
    await this.gate;
  }
  slots(running: readonly { gpuIds: number[] | null }[]): GpuSlot[] {
    return Array.from({ length: this.count }, (_, index) => ({
      index,
      memoryTotalMb: 24_000,
      usable: true,
      exclusive: running.some((r) => r.gpuIds?.includes(index)),
      sharedMb: 0,
      sharedJobs: 0,
    }));
  }
  lockFiles(): string[] {
    return [];
  }
  stop(): void {}
}

// The test's own policy, not the settings of whoever runs the tests.
const policy = { projects: [], projectRequired: false, fairShare: { halfLifeHours: 168, gpuWeight: 10 } };

const spec = (over: Partial<NewJob> = {}): NewJob => ({ ...NEW_JOB_DEFAULTS, user: 'u', command: ['true'], cwd: '/', env: {}, token: 'tok', ...over });

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  assert.fail(`timed out waiting for: ${what}`);
}

describe('scheduler (fake executor)', () => {
  let dir: string;
  let db: Db;
  let store: JobStore;
  let exec: FakeExecutor;
  let gpus: FakeGpus;
  let clock: ManualClock;
  let scheduler: Scheduler;
  let log: Logger;

  const make = async (o: { cpus?: number; gpus?: number } = {}): Promise<void> => {
    gpus = new FakeGpus(o.gpus ?? 0);
    scheduler = new Scheduler({ store, executor: exec, gpus, log, cpus: o.cpus ?? 2, killGraceMs: 1000, dbFile: path.join(dir, 'gflow.db'), clock, safetyTickMs: 3_600_000, policy });
    await scheduler.start();
  };
  const state = (id: number): string => store.require(id).state;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gflow-sched-'));
    db = openDatabase(path.join(dir, 'gflow.db'));
    store = new JobStore(db, (j) => `/logs/${j.id}.log`);
    exec = new FakeExecutor();
    clock = new ManualClock();
    log = new Logger({ file: path.join(dir, 'gflowd.log'), out: new PassThrough() });
  });

  afterEach(async () => {
    await scheduler.close();
    log.close();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts queued jobs with their environment and records how they end', async () => {
    await make();
    const a = store.insert(spec({ env: { FOO: 'bar' } }), 1).id;
    scheduler.requestPass();
    await until(() => store.require(a).pid !== null, 'job a launched');
    assert.equal(state(a), 'running');
    const env = exec.launched[0]!.env;
    assert.equal(env.FOO, 'bar');
    assert.equal(env.GFLOW_JOB_ID, String(a));
    assert.equal(env.CUDA_VISIBLE_DEVICES, '', 'a job without GPUs sees none');
    exec.end(a, { exit: { exitCode: 3, signal: null }, serverLost: false });
    await until(() => state(a) !== 'running', 'job a ended');
    const done = store.require(a);
    assert.deepEqual([done.state, done.exitCode, done.endedBy, done.reason], ['failed', 3, 'natural', 'exit code 3']);
  });

  it('reaps a job that ends while a pass waits for the GPU inventory, and starts what then fits', async () => {
    await make({ cpus: 1, gpus: 1 });
    const a = store.insert(spec(), 1).id;
    scheduler.requestPass();
    await until(() => store.require(a).pid !== null, 'job a running');
    const gate = deferred<void>();
    gpus.gate = gate.promise;
    const b = store.insert(spec({ gpus: 1 }), 2).id;
    scheduler.requestPass();
    await until(() => gpus.refreshes > 0, 'the pass waits for nvidia-smi');
    exec.end(a, { exit: { exitCode: 0, signal: null }, serverLost: false });
    await new Promise((r) => setImmediate(r));
    assert.equal(state(a), 'running', 'the end is reaped by the next pass, in order');
    gate.resolve();
    await until(() => state(a) === 'finished' && store.require(b).pid !== null, 'a reaped and b started');
    assert.deepEqual(store.require(b).gpuIds, [0]);
    assert.equal(exec.launched.filter((l) => l.job.id === b).length, 1, 'b started once');
  });

  it('carries out a cancel that arrives while the job is being launched, once the launch is done', async () => {
    await make();
    exec.autoLaunch = false;
    const a = store.insert(spec(), 1).id;
    scheduler.requestPass();
    await until(() => exec.launches.has(a), 'launch in flight');
    scheduler.stop(a, 'cancel');
    await scheduler.idle();
    assert.equal(exec.stops.length, 0, 'no stop before the job has a process');
    exec.finishLaunch(a);
    await until(() => state(a) === 'cancelled', 'cancelled');
    assert.equal(exec.stops.length, 1);
    assert.notEqual(exec.stops[0]!.pid, null, 'stopped with its process id');
    const done = store.require(a);
    assert.deepEqual([done.reason, done.endedBy, done.signal], ['cancelled by user', 'soft', 'SIGTERM']);
  });

  it('marks a job whose session vanished while no daemon ran as lost, at adoption', async () => {
    const a = store.insert(spec(), 1).id;
    store.transition(a, 'running', { startedAt: 1, session: 'fake-1' });
    store.setPlacement(a, { pid: 4242 });
    exec.outcomes.set(a, { exit: null, serverLost: false });
    await make();
    const done = store.require(a);
    assert.deepEqual([done.state, done.reason, done.endedBy], ['failed', 'lost', null]);
  });

  it('adopts a job that still runs and stops it at its time limit', async () => {
    const a = store.insert(spec({ timeLimitSec: 60 }), 1).id;
    store.transition(a, 'running', { startedAt: clock.now(), session: 'fake-1' });
    store.setPlacement(a, { pid: 4242 });
    await make();
    assert.equal(state(a), 'running');
    clock.advance(59_000);
    await scheduler.idle();
    assert.equal(exec.stops.length, 0);
    clock.advance(1_000);
    await until(() => state(a) === 'timeout', 'timed out');
    assert.equal(store.require(a).endedBy, 'soft');
  });

  it('starts nothing when it loses the lease in the middle of a pass', async () => {
    await make({ gpus: 1 });
    const gate = deferred<void>();
    gpus.gate = gate.promise;
    const a = store.insert(spec({ gpus: 1 }), 1).id;
    scheduler.requestPass();
    await until(() => gpus.refreshes > 0, 'the pass waits for nvidia-smi');
    // Another daemon (here: pid 1, alive) holds the lease now.
    db.prepare('UPDATE leader SET pid = 1, start_time = ? WHERE id = 1').run(readStat(1)!.startTime);
    gate.resolve();
    await scheduler.idle();
    assert.equal(state(a), 'queued');
    assert.equal(exec.launched.length, 0);
    assert.equal(scheduler.isLeader, false);
  });

  it('cancels a chain whose first job failed in one pass, recording which dependency caused it', async () => {
    await make();
    const a = store.insert(spec(), 1).id;
    const b = store.insert(spec({ dependsOn: [a] }), 2).id;
    const c = store.insert(spec({ dependsOn: [b] }), 3).id;
    scheduler.requestPass();
    await until(() => store.require(a).pid !== null, 'a running');
    exec.end(a, { exit: { exitCode: 1, signal: null }, serverLost: false });
    await until(() => state(c) === 'cancelled', 'chain cancelled');
    assert.equal(store.require(b).cancelledBy, a);
    assert.equal(store.require(c).cancelledBy, b);
    assert.deepEqual(store.lineage.cancelledBecauseOf(a).map((j) => j.id), [b]);
  });

  it('on a full machine, gives new reasons to the jobs that change, and to all when what they wait for changes', async () => {
    await make({ cpus: 1 });
    const busy = store.insert(spec(), 1).id;
    scheduler.requestPass();
    await until(() => store.require(busy).pid !== null, 'the machine is full');
    const waiting = [1, 2, 3].map(() => store.insert(spec({ user: 'ann' }), 2).id);
    const later = store.insert(spec({ beginAt: clock.now() + 1000 }), 2).id;
    scheduler.requestPass();
    await until(() => waiting.every((id) => store.require(id).reason === 'Resources'), 'they wait for a CPU');
    assert.match(store.require(later).reason!, /^BeginTime/);
    // The machine stays as full: the changed job alone gets a new reason, yet all are right.
    store.update(waiting[1]!, { cpus: 8 });
    scheduler.requestPass();
    await until(() => /needs 8 CPUs/.test(store.require(waiting[1]!).reason ?? ''), 'the updated job says why');
    assert.deepEqual([waiting[0]!, waiting[2]!].map((id) => store.require(id).reason), ['Resources', 'Resources']);
    // A begin time passes with nothing else changing.
    clock.advance(1000);
    await until(() => store.require(later).reason === 'Resources', 'the begin time passed');
    // A quota is what every one of ann's jobs waits for now.
    policyStores(db).quotas.set('user', 'ann', { maxRunning: 0 });
    scheduler.requestPass();
    await until(() => /quota/i.test(store.require(waiting[0]!).reason ?? ''), "ann's jobs wait for her quota");
    assert.match(store.require(waiting[2]!).reason!, /quota/i);
    assert.equal(store.require(later).reason, 'Resources', "another user's job still waits for a CPU");
  });

  it("wakes when a reservation's window ends, and starts the job it kept from a GPU then", async () => {
    await make({ gpus: 1 });
    policyStores(db).reservations.insert({ user: 'other', gpus: null, gpuIds: [0], startAt: clock.now() - 1, endAt: clock.now() + 5000 }, clock.now());
    const a = store.insert(spec({ gpus: 1 }), 1).id;
    scheduler.requestPass();
    await until(() => store.require(a).reason === 'Reservation 1', 'a waits for the reservation');
    clock.advance(4999);
    await scheduler.idle();
    assert.equal(state(a), 'queued');
    clock.advance(1); // the timer armed for the window's end, no poll
    await until(() => store.require(a).pid !== null, 'a started when the window ended');
    assert.deepEqual(store.require(a).gpuIds, [0]);
  });

  it("charges an ended job's CPU- and GPU-hours to its owner", async () => {
    await make({ gpus: 1 });
    const a = store.insert(spec({ user: 'ann', cpus: 2, gpus: 1 }), 1).id;
    scheduler.requestPass();
    await until(() => store.require(a).pid !== null, 'a running');
    clock.advance(3_600_000);
    exec.end(a, { exit: { exitCode: 0, signal: null }, serverLost: false });
    await until(() => state(a) === 'finished', 'a ended');
    const [u] = policyStores(db).usage.all();
    assert.deepEqual(u, { user: 'ann', cpuHours: 2, gpuHours: 1, at: store.require(a).finishedAt, jobs: 1 });
  });

  it('records a launch failure as the job failing to start', async () => {
    await make();
    exec.autoLaunch = false;
    const a = store.insert(spec(), 1).id;
    scheduler.requestPass();
    await until(() => exec.launches.has(a), 'launch in flight');
    exec.launches.get(a)!.reject(new Error('no such directory'));
    await until(() => state(a) === 'failed', 'failed');
    assert.equal(store.require(a).reason, 'start failed: no such directory');
  });

  it('puts a job back in the queue when the machine runs out of file descriptors at its launch', async () => {
    await make();
    exec.autoLaunch = false;
    const a = store.insert(spec(), 1).id;
    scheduler.requestPass();
    await until(() => exec.launches.has(a), 'first launch in flight');
    const first = exec.launches.get(a)!;
    exec.autoLaunch = true;
    first.reject(Object.assign(new Error('spawn EMFILE'), { code: 'EMFILE' }));
    await until(() => exec.forgotten.includes(a), 'the failed launch cleared');
    await until(() => store.require(a).state === 'running' && store.require(a).pid !== null, 'started again');
    assert.equal(exec.launched.filter((l) => l.job.id === a).length, 2);
    assert.equal(store.require(a).exitCode, null);
  });
});
