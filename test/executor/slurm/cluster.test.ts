// The test cluster itself: it starts, runs a batch job, and leaves nothing behind.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { pollUntil } from '../../helpers/wait.js';
import { processesMentioning, SlurmCluster, requiresSlurm } from '../../helpers/slurm-cluster.js';

describe('the Slurm test cluster', requiresSlurm(), () => {
  it('runs a batch job and leaves nothing behind when stopped', async () => {
    const c = await SlurmCluster.start();
    let dir = c.dir;
    try {
      const out = `${c.dir}/out.txt`;
      const r = await c.cmd('sbatch', ['--parsable', '-o', out, '--wrap', 'echo hello-from-slurm']);
      assert.equal(r.code, 0, r.stderr);
      await pollUntil(() => fs.existsSync(out) && fs.readFileSync(out, 'utf8').includes('hello-from-slurm'), { interval: 50, timeout: 30_000 });
      // A job still running when the cluster stops is cancelled with it.
      assert.equal((await c.cmd('sbatch', ['--parsable', '--wrap', 'sleep 300'])).code, 0);
    } finally {
      dir = c.dir;
      await c.stop();
    }
    assert.equal(fs.existsSync(dir), false);
    assert.deepEqual(processesMentioning(dir), []);
  });
});
