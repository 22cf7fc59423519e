import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateDeps, singletonBlocker, type NamedJob } from '../../src/core/deps.js';
import { resolveDependencies, type Candidate } from '../../src/core/plan.js';
import type { DepKind, JobState } from '../../src/protocol/job.js';

const states = (o: Record<number, JobState>): Map<number, JobState> => new Map(Object.entries(o).map(([k, v]) => [Number(k), v]));

describe('dependency kinds', () => {
  it('afterok waits for success and is impossible after a failure', () => {
    assert.deepEqual(evaluateDeps([1], 'all', states({ 1: 'finished' })), { kind: 'ready' });
    assert.deepEqual(evaluateDeps([1], 'all', states({ 1: 'running' })), { kind: 'waiting', unmet: [1] });
    assert.deepEqual(evaluateDeps([1], 'all', states({ 1: 'timeout' })), { kind: 'impossible', failed: 1, depKind: 'afterok' });
  });

  it('afterany is met by any end, afternotok only by an unsuccessful one', () => {
    for (const s of ['finished', 'failed', 'cancelled', 'timeout'] as const) assert.equal(evaluateDeps([1], 'all', states({ 1: s }), ['afterany']).kind, 'ready');
    assert.equal(evaluateDeps([1], 'all', states({ 1: 'running' }), ['afterany']).kind, 'waiting');
    assert.equal(evaluateDeps([1], 'all', states({ 1: 'failed' }), ['afternotok']).kind, 'ready');
    assert.deepEqual(evaluateDeps([1], 'all', states({ 1: 'finished' }), ['afternotok']), { kind: 'impossible', failed: 1, depKind: 'afternotok' });
  });

  it('mixes kinds under all and any', () => {
    const kinds: DepKind[] = ['afterany', 'afterok'];
    assert.deepEqual(evaluateDeps([1, 2], 'all', states({ 1: 'failed', 2: 'queued' }), kinds), { kind: 'waiting', unmet: [2] });
    assert.equal(evaluateDeps([1, 2], 'all', states({ 1: 'failed', 2: 'finished' }), kinds).kind, 'ready');
    assert.equal(evaluateDeps([1, 2], 'any', states({ 1: 'finished', 2: 'failed' }), ['afternotok', 'afterok']).kind, 'impossible');
    assert.equal(evaluateDeps([1, 2], 'any', states({ 1: 'finished', 2: 'running' }), ['afternotok', 'afterok']).kind, 'waiting');
  });

  it('auto-cancels down a chain, and an afternotok dependent of a cancelled job runs', () => {
    const c = (id: number, dependsOn: number[], dependsKinds: DepKind[] | null = null): Candidate & { dependsKinds: DepKind[] | null } => ({
      id, user: 'u', project: null, memMb: null, priority: 0, cpus: 1, gpus: 0, gpuShared: false, gpuMemoryMb: null, groupId: null, maxConcurrent: null, beginAt: null, dependsOn, dependsMode: 'all', autoCancel: true, dependsKinds,
    });
    const v = resolveDependencies([c(2, [1]), c(3, [2]), c(4, [2], ['afternotok'])], states({ 1: 'failed' }));
    assert.deepEqual(v.doomed.map((d) => d.id), [2, 3]);
    assert.deepEqual(v.ready.map((r) => r.id), [4]);
  });

  it('singleton waits for a running job of its name, or an earlier one not ended', () => {
    const j = (id: number, state: JobState, name = 'train', user = 'u'): NamedJob => ({ id, state, name, user });
    assert.equal(singletonBlocker(j(5, 'queued'), [j(3, 'running'), j(5, 'queued')]), 3);
    assert.equal(singletonBlocker(j(5, 'queued'), [j(7, 'queued'), j(5, 'queued')]), undefined, 'a later job does not block');
    assert.equal(singletonBlocker(j(5, 'queued'), [j(4, 'hold')]), 4);
    assert.equal(singletonBlocker(j(5, 'queued'), [j(3, 'running', 'other'), j(2, 'running', 'train', 'v')]), undefined);
  });
});
