import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatElapsed, parseTimeLimit } from '../../src/core/duration.js';
import { parseIdList, parseJobRef } from '../../src/core/id-list.js';

describe('time limits', () => {
  it('reads the formats Slurm users type', () => {
    assert.equal(parseTimeLimit('90'), 5400);
    assert.equal(parseTimeLimit('1:30'), 90);
    assert.equal(parseTimeLimit('2:00:00'), 7200);
    assert.equal(parseTimeLimit('1-00:00:10'), 86410);
    for (const bad of ['', 'soon', '-1', '0', '1:2:3:4', '1h']) assert.throws(() => parseTimeLimit(bad), /invalid time limit/);
  });

  it('formats elapsed time like squeue', () => {
    assert.equal(formatElapsed(5), '0:05');
    assert.equal(formatElapsed(3725), '1:02:05');
    assert.equal(formatElapsed(90061), '1-01:01:01');
  });
});

describe('job id lists', () => {
  it('reads lists and ranges', () => {
    assert.deepEqual(parseIdList('1,3,5-7'), [1, 3, 5, 6, 7]);
    assert.deepEqual(parseIdList('2,2'), [2]);
    for (const bad of ['', 'a', '0', '-3', '5-2', '1.5', '1-999999999']) assert.throws(() => parseIdList(bad), /invalid job id list/);
  });

  it('reads @ and @~N', () => {
    assert.deepEqual(parseJobRef('@'), { back: 1 });
    assert.deepEqual(parseJobRef('@~3'), { back: 3 });
    assert.equal(parseJobRef('7'), undefined);
    assert.throws(() => parseJobRef('@~0'));
  });
});
