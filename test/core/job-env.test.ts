import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jobEnvironment, TOKEN_VAR } from '../../src/core/job-env.js';

const job = { id: 7, name: 'train', cpus: 2, env: { PATH: '/bin', CUDA_VISIBLE_DEVICES: '0,1,2,3' }, token: 'abc', arrayTaskId: 3, params: { lr: '0.1' }, gpuShared: false, memMb: 2048 };

describe('jobEnvironment', () => {
  it('adds what gflow tells the job to the submitted environment', () => {
    const env = jobEnvironment(job, [2, 3]);
    assert.equal(env.PATH, '/bin');
    assert.equal(env.GFLOW_JOB_ID, '7');
    assert.equal(env.GFLOW_JOB_NAME, 'train');
    assert.equal(env.GFLOW_CPUS, '2');
    assert.equal(env.CUDA_VISIBLE_DEVICES, '2,3');
    assert.equal(env.GFLOW_GPUS, '2,3');
    assert.equal(env.GFLOW_ARRAY_TASK_ID, '3');
    assert.equal(env.GFLOW_PARAM_lr, '0.1');
    assert.equal(env[TOKEN_VAR], 'abc');
    assert.equal(env.GFLOW_MEM_MB, '2048');
  });

  it('sets GFLOW_MEM_MB only for a job that declared its memory', () => {
    assert.equal(jobEnvironment({ ...job, memMb: null }, []).GFLOW_MEM_MB, undefined);
  });

  it('gives a job without GPUs an empty CUDA_VISIBLE_DEVICES, whatever the submitter had', () => {
    const env = jobEnvironment(job, []);
    assert.equal(env.CUDA_VISIBLE_DEVICES, '');
    assert.equal(env.GFLOW_GPUS, '');
  });
});
