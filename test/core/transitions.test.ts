import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertRequeue, assertTransition, canTransition } from '../../src/core/transitions.js';
import { GflowError } from '../../src/protocol/errors.js';
import { ENDED_STATES, JOB_STATES } from '../../src/protocol/job.js';

describe('job state transitions', () => {
  it('allows exactly the moves of the state machine', () => {
    assert.ok(canTransition('queued', 'running'));
    assert.ok(canTransition('queued', 'hold'));
    assert.ok(canTransition('hold', 'queued'));
    assert.ok(canTransition('running', 'timeout'));
    assert.ok(!canTransition('hold', 'running'), 'a held job never starts');
    assert.ok(canTransition('running', 'queued'), 'a job that could not take its GPUs goes back to the queue');
    assert.ok(!canTransition('running', 'hold'));
  });

  it('never moves an ended job', () => {
    for (const from of ENDED_STATES) for (const to of JOB_STATES) assert.ok(!canTransition(from, to), `${from} → ${to}`);
  });

  it('explains an illegal move as a conflict with a hint', () => {
    assert.throws(
      () => assertTransition(4, 'finished', 'cancelled'),
      (e: unknown) => e instanceof GflowError && e.code === 'conflict' && e.httpStatus === 409 && /cannot cancel job 4: it is finished/.test(e.message) && !!e.hint,
    );
    assert.throws(() => assertTransition(5, 'finished', 'queued'), /cannot release job 5: it is finished/);
  });

  it('lets only failed or timed-out jobs be requeued, through their own gate', () => {
    assertRequeue(1, 'failed');
    assertRequeue(1, 'timeout');
    for (const from of ['queued', 'hold', 'running', 'finished', 'cancelled'] as const) assert.throws(() => assertRequeue(1, from), /cannot requeue job 1/);
    assert.ok(!canTransition('failed', 'queued'), 'release and the reaper still cannot move an ended job');
  });
});
