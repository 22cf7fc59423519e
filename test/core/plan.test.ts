import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planStarts, type Candidate, type Capacity, type GpuSlot } from '../../src/core/plan.js';
import { shortReason, type WaitReason } from '../../src/protocol/wait-reason.js';

const text = (r: WaitReason | undefined): string | undefined => (r ? shortReason(r) : undefined);

const job = (id: number, over: Partial<Candidate> = {}): Candidate => ({
  id, user: 'ann', project: null, priority: 0, cpus: 1, gpus: 0, memMb: null, gpuShared: false, gpuMemoryMb: null, groupId: null, maxConcurrent: null, beginAt: null, dependsOn: [], dependsMode: 'all', autoCancel: true, ...over,
});
const gpu = (index: number, over: Partial<GpuSlot> = {}): GpuSlot => ({ index, memoryTotalMb: 24_000, usable: true, exclusive: false, sharedMb: 0, sharedJobs: 0, ...over });
const cap = (over: Partial<Capacity> = {}): Capacity => ({ freeCpus: 8, totalCpus: 8, gpus: [], groupRunning: new Map(), strategy: 'sequential', now: 1000, ...over });

describe('planStarts', () => {
  it('orders by priority, then submission', () => {
    const plan = planStarts([job(1), job(2, { priority: 5 }), job(3, { priority: 5 })], cap({ freeCpus: 2, totalCpus: 2 }));
    assert.deepEqual(plan.start.map((s) => s.id), [2, 3]);
    assert.equal(text(plan.waiting.get(1))!, 'Resources');
  });

  it('lets smaller jobs past one that does not fit, and explains a job larger than the machine', () => {
    const plan = planStarts([job(1, { cpus: 3 }), job(2), job(3, { cpus: 64 })], cap({ freeCpus: 2, totalCpus: 4 }));
    assert.deepEqual(plan.start.map((s) => s.id), [2]);
    assert.equal(text(plan.waiting.get(1))!, 'Resources');
    assert.match(text(plan.waiting.get(3))!, /needs 64 CPUs, daemon has 4/);
  });

  it('gives exclusive GPUs, lowest index first, and makes the third job wait', () => {
    const plan = planStarts([job(1, { gpus: 1 }), job(2, { gpus: 1 }), job(3, { gpus: 1 })], cap({ gpus: [gpu(1), gpu(0)] }));
    assert.deepEqual(plan.start, [{ id: 1, gpuIds: [0] }, { id: 2, gpuIds: [1] }]);
    assert.equal(text(plan.waiting.get(3))!, 'WaitingForGpu');
  });

  it('co-locates shared jobs within the GPU memory, never with exclusive ones', () => {
    const shared = (id: number, mb: number) => job(id, { gpus: 1, gpuShared: true, gpuMemoryMb: mb });
    const plan = planStarts([shared(1, 10_000), shared(2, 10_000), shared(3, 10_000), job(4, { gpus: 1 })], cap({ gpus: [gpu(0)] }));
    assert.deepEqual(plan.start.map((s) => s.id), [1, 2]);
    assert.equal(text(plan.waiting.get(3))!, 'WaitingForGpu');
    assert.equal(text(plan.waiting.get(4))!, 'WaitingForGpu');
  });

  it('skips unusable GPUs and explains a request larger than what is usable', () => {
    const plan = planStarts([job(1, { gpus: 2 }), job(2, { gpus: 1 })], cap({ gpus: [gpu(0, { usable: false }), gpu(1)] }));
    assert.match(text(plan.waiting.get(1))!, /needs 2 GPUs, 1 usable/);
    assert.deepEqual(plan.start, [{ id: 2, gpuIds: [1] }]);
  });

  it('respects group limits and begin times', () => {
    const g = (id: number) => job(id, { groupId: 'g', maxConcurrent: 2 });
    const plan = planStarts([g(1), g(2), g(3), job(4, { beginAt: 5000 })], cap({ groupRunning: new Map([['g', 1]]) }));
    assert.deepEqual(plan.start.map((s) => s.id), [1]);
    assert.match(text(plan.waiting.get(2))!, /GroupLimit 2/);
    assert.match(text(plan.waiting.get(4))!, /BeginTime/);
  });

  it('plans 10,000 queued jobs in one pass', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => job(i + 1, { priority: i % 7, gpus: i % 3 === 0 ? 1 : 0 }));
    const plan = planStarts(many, cap({ freeCpus: 64, totalCpus: 64, gpus: [gpu(0), gpu(1), gpu(2), gpu(3)] }));
    assert.equal(plan.start.length, 64);
    assert.equal(plan.waiting.size, 10_000 - 64);
  });

  it('tells each waiting job\'s reason to onWaiting instead of collecting them', () => {
    const told = new Map<number, WaitReason>();
    const plan = planStarts([job(1, { cpus: 3 }), job(2), job(3, { cpus: 64 })], cap({ freeCpus: 2, totalCpus: 4 }), (j, r) => told.set(j.id, r));
    assert.deepEqual(plan.start.map((s) => s.id), [2]);
    assert.equal(plan.waiting.size, 0);
    assert.deepEqual([...told.keys()].sort(), [1, 3]);
    assert.equal(text(told.get(1)), 'Resources');
  });

  it('gives a full machine\'s queue the reasons it gives in the planner\'s order', () => {
    const usage = new Map([['bob', 5]]);
    const many = [job(4, { user: 'bob', beginAt: 5000 }), job(2, { groupId: 'g', maxConcurrent: 1 }), job(3, { cpus: 64 }), job(1, { priority: 3 }), job(5, { gpus: 2 })];
    const full = planStarts(many, cap({ freeCpus: 0, totalCpus: 8, gpus: [gpu(0)], groupRunning: new Map([['g', 1]]), usage }));
    assert.deepEqual(full.start, []);
    const reasons = Object.fromEntries([...full.waiting].map(([id, r]) => [id, text(r)]));
    assert.deepEqual(reasons, { 1: 'Resources', 2: 'GroupLimit 1', 3: text({ kind: 'tooManyCpus', need: 64, total: 8 }), 4: text({ kind: 'beginTime', at: 5000 }), 5: text({ kind: 'tooManyGpus', need: 2, usable: 1 }) });
  });
});
