// The planner with fair share, quotas, reservations and memory: pure, no daemon.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Load } from '../../src/core/load.js';
import { planStarts, type Candidate, type Capacity, type GpuSlot } from '../../src/core/plan.js';
import { Quotas } from '../../src/core/quota.js';
import type { Reservation } from '../../src/core/reservation.js';
import { shortReason } from '../../src/protocol/wait-reason.js';

const job = (id: number, over: Partial<Candidate> = {}): Candidate => ({
  id, user: 'ann', project: null, priority: 0, cpus: 1, gpus: 0, memMb: null, gpuShared: false, gpuMemoryMb: null, groupId: null, maxConcurrent: null, beginAt: null, dependsOn: [], dependsMode: 'all', autoCancel: true, ...over,
});
const gpu = (index: number, over: Partial<GpuSlot> = {}): GpuSlot => ({ index, memoryTotalMb: 24_000, usable: true, exclusive: false, sharedMb: 0, sharedJobs: 0, ...over });
const cap = (over: Partial<Capacity> = {}): Capacity => ({ freeCpus: 8, totalCpus: 8, gpus: [], groupRunning: new Map(), strategy: 'sequential', now: 10_000, ...over });
const res = (over: Partial<Reservation>): Reservation => ({ id: 1, user: 'bob', gpus: null, gpuIds: null, startAt: 5_000, endAt: 20_000, createdAt: 0, ...over });
const reasonOf = (plan: ReturnType<typeof planStarts>, id: number): string | undefined => {
  const r = plan.waiting.get(id);
  return r ? shortReason(r) : undefined;
};

describe('fair share in the plan', () => {
  it('among equal priorities starts the jobs of the user who used less first', () => {
    const queued = [job(1, { user: 'ann' }), job(2, { user: 'bob' }), job(3, { user: 'cid' })];
    const plan = planStarts(queued, cap({ freeCpus: 2, usage: new Map([['ann', 50], ['bob', 5]]) }));
    // cid used nothing, bob little, ann most.
    assert.deepEqual(plan.start.map((s) => s.id), [3, 2]);
    assert.equal(reasonOf(plan, 1), 'Resources');
  });

  it('never lets usage beat priority, and keeps submission order for equal usage', () => {
    const queued = [job(1, { user: 'ann', priority: 5 }), job(2, { user: 'bob' }), job(3, { user: 'bob' })];
    const plan = planStarts(queued, cap({ freeCpus: 2, usage: new Map([['ann', 1000]]) }));
    assert.deepEqual(plan.start.map((s) => s.id), [1, 2]);
  });
});

describe('quotas in the plan', () => {
  it('makes a user at their running-jobs limit wait with Quota, and lets others start', () => {
    const quotas = new Quotas([{ scope: 'user', name: 'ann', maxRunning: 2, maxGpus: null, maxQueued: null }]);
    const load = Load.of([{ user: 'ann', project: null, gpus: 0 }]);
    const plan = planStarts([job(1), job(2), job(3, { user: 'bob' })], cap({ quotas, load }));
    assert.deepEqual(plan.start.map((s) => s.id), [1, 3]);
    assert.equal(reasonOf(plan, 2), 'Quota');
    assert.deepEqual(plan.waiting.get(2), { kind: 'quota', scope: 'user', name: 'ann', limit: 'running', max: 2, used: 2, need: 1 });
  });

  it('applies the default quota to users without their own, and project GPU limits', () => {
    const quotas = new Quotas([
      { scope: 'default', name: '', maxRunning: 1, maxGpus: null, maxQueued: null },
      { scope: 'user', name: 'bob', maxRunning: 10, maxGpus: null, maxQueued: null },
      { scope: 'project', name: 'vision', maxRunning: null, maxGpus: 1, maxQueued: null },
    ]);
    const queued = [job(1), job(2), job(3, { user: 'bob', project: 'vision', gpus: 1 }), job(4, { user: 'bob', project: 'vision', gpus: 1 }), job(5, { user: 'bob' })];
    const plan = planStarts(queued, cap({ quotas, gpus: [gpu(0), gpu(1)] }));
    assert.deepEqual(plan.start.map((s) => s.id), [1, 3, 5]);
    assert.equal(reasonOf(plan, 2), 'Quota');
    assert.deepEqual(plan.waiting.get(4), { kind: 'quota', scope: 'project', name: 'vision', limit: 'gpus', max: 1, used: 1, need: 1 });
  });
});

describe('reservations in the plan', () => {
  it('keeps pinned GPUs from other users during the window only', () => {
    const reservations = [res({ gpuIds: [0] })];
    const during = planStarts([job(1, { gpus: 1 }), job(2, { gpus: 1 })], cap({ gpus: [gpu(0), gpu(1)], reservations }));
    assert.deepEqual(during.start, [{ id: 1, gpuIds: [1] }]);
    assert.equal(reasonOf(during, 2), 'Reservation 1');
    assert.deepEqual(during.waiting.get(2), { kind: 'reservation', id: 1, user: 'bob', until: 20_000 });
    const after = planStarts([job(1, { gpus: 1 }), job(2, { gpus: 1 })], cap({ gpus: [gpu(0), gpu(1)], reservations, now: 20_000 }));
    assert.equal(after.start.length, 2);
  });

  it("gives the reserving user's job its pinned GPUs first, and any other free GPU too", () => {
    const reservations = [res({ gpuIds: [1] })];
    const plan = planStarts([job(1, { user: 'bob', gpus: 1 }), job(2, { user: 'bob', gpus: 1 })], cap({ gpus: [gpu(0), gpu(1)], reservations }));
    assert.deepEqual(plan.start, [{ id: 1, gpuIds: [1] }, { id: 2, gpuIds: [0] }]);
  });

  it("holds N GPUs back from other users for a counted reservation, less what its user's jobs hold", () => {
    const reservations = [res({ gpus: 2 })];
    const gpus = [gpu(0), gpu(1), gpu(2)];
    const plan = planStarts([job(1, { gpus: 1 }), job(2, { gpus: 1 })], cap({ gpus, reservations }));
    assert.deepEqual(plan.start.map((s) => s.id), [1]);
    assert.equal(reasonOf(plan, 2), 'Reservation 1');
    // bob runs a job on one GPU: one GPU is still held back for him, so ann gets two.
    const load = Load.of([{ user: 'bob', project: null, gpus: 1 }]);
    const busy = [gpu(0, { exclusive: true }), gpu(1), gpu(2), gpu(3)];
    const next = planStarts([job(1, { gpus: 1 }), job(2, { gpus: 1 }), job(3, { gpus: 1 })], cap({ gpus: busy, reservations, load }));
    assert.deepEqual(next.start.map((s) => s.id), [1, 2]);
    assert.equal(reasonOf(next, 3), 'Reservation 1');
  });

  it("lets the reserving user's jobs use a counted reservation, and CPU-only jobs ignore reservations", () => {
    const reservations = [res({ gpus: 2 })];
    const plan = planStarts([job(1, { user: 'bob', gpus: 2 }), job(2)], cap({ gpus: [gpu(0), gpu(1)], reservations }));
    assert.deepEqual(plan.start.map((s) => s.id), [1, 2]);
  });
});

describe('memory in the plan', () => {
  it('admits --mem against free memory, counting the jobs it starts in the same pass', () => {
    const plan = planStarts([job(1, { memMb: 6000 }), job(2, { memMb: 6000 }), job(3, { memMb: 1000 }), job(4)], cap({ memory: { totalMb: 16_000, freeMb: 8000 } }));
    assert.deepEqual(plan.start.map((s) => s.id), [1, 3, 4]);
    assert.equal(reasonOf(plan, 2), 'Memory');
    assert.deepEqual(plan.waiting.get(2), { kind: 'memory', needMb: 6000, freeMb: 2000, totalMb: 16_000 });
  });

  it('does not admit by memory when the machine cannot say how much it has', () => {
    const plan = planStarts([job(1, { memMb: 1_000_000 })], cap());
    assert.deepEqual(plan.start.map((s) => s.id), [1]);
  });
});
