// The mapping of a gflow job to Slurm, and the reading of Slurm's answers: pure functions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jobIdOfTag, niceOf, refusal, sbatchArgs, slurmMinutes, slurmTag } from '../../../src/executor/slurm/mapping.js';
import { batchEnd, hasStarted, isActive, parseSinfo, parseSqueue } from '../../../src/executor/slurm/slurm-state.js';
import { endingOf } from '../../../src/core/end-state.js';

const job = { id: 7, name: 'train', cpus: 4, gpus: 0, gpuShared: false, gpuMemoryMb: null, memMb: null, timeLimitSec: null, cwd: '/home/a/proj', priority: 0 };
const site = { partition: '', account: '', qos: '' };

describe('sbatch options of a job', () => {
  it('maps name, CPUs, directory, tag and batch output; leaves out what was not asked', () => {
    assert.deepEqual(sbatchArgs(job, site, 'gflow:d1:7', '/s/jobs/7/batch.out'), [
      '--parsable', '--job-name=train', '--comment=gflow:d1:7', '--cpus-per-task=4', '--ntasks=1', '--nodes=1', '--output=/s/jobs/7/batch.out', '--chdir=/home/a/proj',
    ]);
  });

  it('maps GPUs, memory, time limit, priority and the site defaults', () => {
    const args = sbatchArgs({ ...job, name: null, gpus: 2, memMb: 2048, timeLimitSec: 90, priority: -5 }, { partition: 'gpu', account: 'lab', qos: 'high' }, 't', 'o');
    for (const a of ['--job-name=gflow-7', '--gres=gpu:2', '--mem=2048M', '--time=3', '--nice=5', '--partition=gpu', '--account=lab', '--qos=high']) assert.ok(args.includes(a), `${a} in ${args.join(' ')}`);
  });

  it('gives Slurm a time limit a minute past gflow\'s own, in whole minutes', () => {
    assert.equal(slurmMinutes(1), 2);
    assert.equal(slurmMinutes(60), 2);
    assert.equal(slurmMinutes(61), 3);
  });

  it("passes a lowered priority as Slurm's --nice, and never a negative nice (that needs an admin)", () => {
    assert.equal(niceOf(-5), 5);
    assert.equal(niceOf(0), 0);
    assert.equal(niceOf(10), 0);
    assert.ok(!sbatchArgs({ ...job, priority: 10 }, site, 't', 'o').some((a) => a.startsWith('--nice')));
  });

  it('refuses what Slurm cannot express', () => {
    assert.match(refusal({ gpuShared: true, gpuMemoryMb: 1000 })!.message, /not shared/);
    assert.equal(refusal({ gpuShared: false, gpuMemoryMb: null }), undefined);
  });

  it('tags a job so that only its own daemon recognises it', () => {
    assert.equal(jobIdOfTag('d1', slurmTag('d1', 42)), 42);
    assert.equal(jobIdOfTag('d2', slurmTag('d1', 42)), undefined);
    assert.equal(jobIdOfTag('d1', 'my own comment'), undefined);
  });
});

describe("reading Slurm's answers", () => {
  it('parses squeue lines, keeping a comment that holds the separator, and skipping array elements', () => {
    const jobs = parseSqueue('12|RUNNING|vm|None|gflow:d1:3\n13|PENDING||Resources|a|b\n14_2|RUNNING|vm|None|x\n');
    assert.deepEqual(jobs, [
      { slurmId: 12, state: 'RUNNING', node: 'vm', reason: 'None', comment: 'gflow:d1:3' },
      { slurmId: 13, state: 'PENDING', node: null, reason: 'Resources', comment: 'a|b' },
    ]);
    assert.ok(isActive('PENDING') && isActive('COMPLETING') && !isActive('COMPLETED') && !isActive('CANCELLED'));
    assert.ok(hasStarted(jobs[0]!) && !hasStarted(jobs[1]!));
  });

  it("says how Slurm ended a job, in gflow's states", () => {
    assert.deepEqual(batchEnd({ state: 'CANCELLED', reason: 'None' }), { state: 'cancelled', reason: 'cancelled in Slurm' });
    assert.equal(batchEnd({ state: 'TIMEOUT', reason: '' })?.state, 'timeout');
    assert.match(batchEnd({ state: 'NODE_FAIL', reason: 'NodeDown' })!.reason, /node failure.*NodeDown/);
    assert.equal(batchEnd({ state: 'PREEMPTED', reason: '' })?.state, 'failed');
    assert.equal(batchEnd({ state: 'COMPLETED', reason: '' }), undefined);
    assert.equal(batchEnd({ state: 'FAILED', reason: 'NonZeroExitCode' }), undefined);
  });

  it('records an outside cancel with its exit status and Slurm\'s reason; a gflow cancel stays gflow\'s', () => {
    const exit = { exitCode: 143, signal: 'SIGTERM' };
    const outside = endingOf({ stopRequest: null, escalated: false }, { exit, serverLost: false, batch: { state: 'cancelled', reason: 'cancelled in Slurm' } });
    assert.deepEqual(outside, { state: 'cancelled', reason: 'cancelled in Slurm', exitCode: 143, signal: 'SIGTERM', endedBy: 'natural' });
    assert.equal(endingOf({ stopRequest: 'cancel', escalated: false }, { exit, serverLost: false, batch: { state: 'failed', reason: 'x' } }).reason, 'cancelled by user');
  });

  it('parses sinfo node lines', () => {
    assert.deepEqual(parseSinfo('vm|gft*|mixed|2/6/0/8|gpu:a100:4|4000\nn2|gft|idle|0/8/0/8|(null)|1000\n'), [
      { name: 'vm', partition: 'gft', state: 'mixed', cpus: { allocated: 2, idle: 6, total: 8 }, gres: 'gpu:a100:4', memoryMb: 4000 },
      { name: 'n2', partition: 'gft', state: 'idle', cpus: { allocated: 0, idle: 8, total: 8 }, gres: '', memoryMb: 1000 },
    ]);
  });
});
