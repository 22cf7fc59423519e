// A daemon refuses to run one executor's running jobs with the other (it would mark them lost).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { executorMismatch } from '../../../src/daemon/executor-factory.js';

describe('executor choice at start', () => {
  const tmuxJob = { id: 1, slurmId: null, pid: 123 };
  const slurmJob = { id: 2, slurmId: 77, pid: null };
  const handedOver = { id: 3, slurmId: null, pid: null }; // the daemon died before sbatch answered

  it('refuses a tmux daemon while jobs handed to Slurm run, saying how to start it', () => {
    assert.match(executorMismatch('tmux', [tmuxJob, slurmJob])!.hint ?? '', /--executor slurm/);
    assert.equal(executorMismatch('tmux', [tmuxJob, handedOver]), undefined);
  });

  it('refuses a Slurm daemon while tmux jobs run', () => {
    assert.match(executorMismatch('slurm', [tmuxJob])!.message, /run in tmux/);
    assert.equal(executorMismatch('slurm', [slurmJob, handedOver]), undefined);
  });
});
