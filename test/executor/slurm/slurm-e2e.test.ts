// The same gflow on a real Slurm cluster: a one-node cluster (test/helpers/slurm-cluster.ts)
// and a daemon started with `gflowd up --executor slurm`, driven through bin/gflow.
import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';
import { Sandbox } from '../../helpers/sandbox.js';
import { useSlurmCluster, slurmUnavailable, type SlurmCluster } from '../../helpers/slurm-cluster.js';

const skip = slurmUnavailable();

describe('gflow with the Slurm executor', { skip }, () => {
  let c: SlurmCluster;
  let sb: Sandbox;
  useSlurmCluster((x) => (c = x));
  before(async () => {
    sb = await Sandbox.create({ SLURM_CONF: c.conf });
    await sb.up('--executor', 'slurm', '--partition', c.partition);
  });
  after(async () => {
    await sb?.cleanup();
  });

  it('runs a job on the cluster with its exit code, Slurm job id and node', async () => {
    const id = await sb.submit('--', 'bash', '-c', 'echo hello-$SLURM_JOB_ID; exit 3');
    const j = await sb.waitEnded(id);
    assert.equal(j.state, 'failed');
    assert.equal(j.exitCode, 3);
    assert.ok(j.slurmId && j.slurmId > 0, JSON.stringify(j));
    assert.equal(j.node, c.node);
    const log = await sb.ok('gflow', 'log', String(id));
    assert.match(log, new RegExp(`hello-${j.slurmId}`));
  });
});
