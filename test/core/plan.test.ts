import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planStarts } from '../../src/core/plan.js';

describe('planStarts', () => {
  it('orders by priority, then submission', () => {
    const plan = planStarts(
      [
        { id: 1, priority: 0, cpus: 1 },
        { id: 2, priority: 5, cpus: 1 },
        { id: 3, priority: 5, cpus: 1 },
      ],
      2,
      2,
    );
    assert.deepEqual(plan.start, [2, 3]);
    assert.equal(plan.waiting.get(1), 'Resources');
  });

  it('lets smaller jobs past one that does not fit, and explains a job larger than the machine', () => {
    const plan = planStarts(
      [
        { id: 1, priority: 0, cpus: 3 },
        { id: 2, priority: 0, cpus: 1 },
        { id: 3, priority: 0, cpus: 64 },
      ],
      2,
      4,
    );
    assert.deepEqual(plan.start, [2]);
    assert.equal(plan.waiting.get(1), 'Resources');
    assert.match(plan.waiting.get(3)!, /needs 64 CPUs, daemon has 4/);
  });
});
