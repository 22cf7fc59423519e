// Fair-share arithmetic, quota checks and reservation conflicts: pure functions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { charge, decayFactor, usageNow } from '../../src/core/fair-share.js';
import { queuedOverQuota, Quotas } from '../../src/core/quota.js';
import { conflict, nextBoundary, type Reservation } from '../../src/core/reservation.js';

const H = 3_600_000;

describe('fair-share usage', () => {
  const s = { halfLifeHours: 10, gpuWeight: 10 };

  it('halves usage every half-life and weighs GPU-hours', () => {
    assert.equal(decayFactor(0, 10 * H, 10), 0.5);
    const rec = charge(undefined, 'ann', { cpuHours: 4, gpuHours: 1 }, 0, 10);
    const later = charge(rec, 'ann', { cpuHours: 2, gpuHours: 0 }, 10 * H, 10);
    assert.deepEqual(later, { user: 'ann', cpuHours: 4, gpuHours: 0.5, at: 10 * H, jobs: 2 });
    const now = usageNow([later], [], 20 * H, s).get('ann')!;
    assert.equal(now.cpuHours, 2);
    assert.equal(now.gpuHours, 0.25);
    assert.equal(now.usage, 2 + 10 * 0.25);
  });

  it('adds the elapsed part of running jobs, undecayed', () => {
    const u = usageNow([], [{ user: 'bob', cpus: 2, gpus: 1, startedAt: 0 }, { user: 'bob', cpus: 1, gpus: 0, startedAt: null }], 3 * H, s).get('bob')!;
    assert.deepEqual(u, { user: 'bob', cpuHours: 6, gpuHours: 3, usage: 36 });
  });
});

describe('max-queued quota', () => {
  const quotas = new Quotas([
    { scope: 'default', name: '', maxRunning: null, maxGpus: null, maxQueued: 10 },
    { scope: 'project', name: 'nlp', maxRunning: null, maxGpus: null, maxQueued: 3 },
  ]);
  it('counts what is added (an array: all its tasks) against users and projects', () => {
    assert.equal(queuedOverQuota(quotas, { user: 'ann', project: null }, { user: 5, project: 0 }, 5), undefined);
    assert.deepEqual(queuedOverQuota(quotas, { user: 'ann', project: null }, { user: 5, project: 0 }, 6), { scope: 'user', name: 'ann', max: 10, waiting: 5 });
    assert.deepEqual(queuedOverQuota(quotas, { user: 'ann', project: 'nlp' }, { user: 0, project: 2 }, 2), { scope: 'project', name: 'nlp', max: 3, waiting: 2 });
  });
});

describe('reservation conflicts', () => {
  const r = (over: Partial<Reservation>): Reservation => ({ id: 1, user: 'bob', gpus: null, gpuIds: [0], startAt: 0, endAt: 100, createdAt: 0, ...over });
  it('refuses pinned GPUs already reserved in an overlapping window, and too many GPUs at once', () => {
    const four = [0, 1, 2, 3];
    assert.match(conflict({ user: 'ann', gpus: null, gpuIds: [0, 1], startAt: 50, endAt: 150 }, [r({})], four)!, /reservation 1 \(bob\) holds GPU 0/);
    assert.equal(conflict({ user: 'ann', gpus: null, gpuIds: [0], startAt: 100, endAt: 150 }, [r({})], four), undefined);
    assert.match(conflict({ user: 'ann', gpus: 4, gpuIds: null, startAt: 50, endAt: 60 }, [r({})], four)!, /5 GPUs would be reserved at once/);
    assert.match(conflict({ user: 'ann', gpus: null, gpuIds: [7], startAt: 500, endAt: 600 }, [], four)!, /GPU 7 is not one gflow may use/);
  });
  it('names the next start or end of a window', () => {
    assert.equal(nextBoundary([r({ startAt: 10, endAt: 30 }), r({ startAt: 20, endAt: 40 })], 15), 20);
    assert.equal(nextBoundary([r({ startAt: 10, endAt: 30 })], 30), undefined);
  });
});
