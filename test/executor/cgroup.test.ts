import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { memoryCgroups } from '../../src/executor/cgroup.js';
import { HOW, requires } from '../helpers/requires.js';

describe('memory cgroups', () => {
  const cg = memoryCgroups(`/test/${process.pid}`);

  it('kills a process over its limit and says it was for memory', requires('writable memory cgroups', cg.enforced, HOW.cgroups), () => {
    const procs = cg.create(1, 50);
    try {
      const r = spawnSync('bash', ['-c', `echo $$ > ${procs}; exec python3 -c "a = bytearray(300 * 2**20)"`]);
      assert.equal(r.signal, 'SIGKILL');
      assert.equal(cg.oomKilled(1), true);
      const fine = cg.create(2, 50);
      assert.equal(spawnSync('bash', ['-c', `echo $$ > ${fine}; exec python3 -c "a = bytearray(10 * 2**20)"`]).status, 0);
      assert.equal(cg.oomKilled(2), false);
    } finally {
      cg.remove(1);
      cg.remove(2);
    }
  });
});
