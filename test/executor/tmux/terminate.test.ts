// Stopping a job's processes: a wrapper known by a start time that is no longer its pid's is
// never signalled, and a signaller sends only to processes that are still the ones found.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { describe, it } from 'node:test';
import { TOKEN_VAR } from '../../../src/core/job-env.js';
import { readStat } from '../../../src/executor/proc.js';
import { signallerFor } from '../../../src/executor/tmux/signaller.js';
import { jobProcesses, liveWrapper, terminateJob } from '../../../src/executor/tmux/terminate.js';

const me = process.getuid!();

async function sleeper(env: NodeJS.ProcessEnv = process.env): Promise<{ pid: number; startTime: string; exited: Promise<unknown> }> {
  const child = spawn('sleep', ['30'], { env, stdio: 'ignore' });
  await new Promise((r) => child.once('spawn', r));
  return { pid: child.pid!, startTime: readStat(child.pid!)!.startTime, exited: new Promise((r) => child.once('exit', r)) };
}

describe('terminating a job', () => {
  it('does not signal a process whose pid the wrapper had but whose start time differs', async () => {
    const other = await sleeper();
    try {
      const job = { wrapper: { pid: other.pid, startTime: String(Number(other.startTime) - 1) }, token: crypto.randomUUID(), uid: me };
      assert.equal(liveWrapper(job), null);
      assert.deepEqual(jobProcesses(job), []);
      assert.equal(await terminateJob(job, signallerFor(undefined), { graceMs: 200, pollMs: 20 }), false);
      assert.equal(readStat(other.pid)?.startTime, other.startTime, 'still alive');
    } finally {
      process.kill(other.pid, 'SIGKILL');
      await other.exited;
    }
  });

  it("stops the wrapper it knows and the processes carrying the job's token", async () => {
    const token = crypto.randomUUID();
    const wrapper = await sleeper();
    const stray = await sleeper({ ...process.env, [TOKEN_VAR]: token });
    const job = { wrapper: { pid: wrapper.pid, startTime: wrapper.startTime }, token, uid: me };
    assert.deepEqual(jobProcesses(job).map((p) => p.pid), [stray.pid]);
    await terminateJob(job, signallerFor(undefined), { graceMs: 2000, pollMs: 20 });
    await Promise.all([wrapper.exited, stray.exited]);
  });

  it('the signaller skips a process that is not the one found', async () => {
    const p = await sleeper();
    try {
      await signallerFor(undefined)([{ pid: p.pid, startTime: '1' }], 'SIGKILL');
      assert.equal(readStat(p.pid)?.startTime, p.startTime);
    } finally {
      process.kill(p.pid, 'SIGKILL');
      await p.exited;
    }
  });
});
