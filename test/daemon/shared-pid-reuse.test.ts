// A pid names a process only while it lives. The attack: gflowpb kills its own job's wrapper,
// a process of gflowpa is given the freed pid (forced here through ns_last_pid), and gflowpb
// cancels the job: the root daemon must not signal gflowpa's process, and gflowpb's job ends
// as lost.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { descendantsOf, readStat } from '../../src/executor/proc.js';
import type { Job } from '../../src/protocol/job.js';
import { Sandbox, testUsers, type TestUser } from '../helpers/sandbox.js';
import { pollUntil } from '../helpers/wait.js';
import { requiresUsers } from '../helpers/requires.js';

const users = testUsers(['gflowpa', 'gflowpb']);

/**
 * Starts `argv` as `u` with pid `pid` (the kernel gives the next one after ns_last_pid); retried
 * while other forks of the machine get in first. Undefined when another process took the pid for
 * good (other test files fork too): the caller starts its scenario again with a new job.
 */
async function spawnWithPid(u: TestUser, pid: number, argv: string[]): Promise<ChildProcess | undefined> {
  for (let attempt = 0; attempt < 1000; attempt++) {
    if (readStat(pid) !== undefined) return undefined;
    fs.writeFileSync('/proc/sys/kernel/ns_last_pid', String(pid - 1));
    const child = spawn(argv[0]!, argv.slice(1), { uid: u.uid, gid: u.gid, stdio: 'ignore', cwd: '/' });
    await new Promise((r) => child.once('spawn', r));
    if (child.pid === pid) return child;
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  }
  return undefined;
}

describe('shared daemon: a reused pid', requiresUsers(users), () => {
  let sb: Sandbox;
  let a: TestUser;
  let b: TestUser;
  before(async () => {
    [a, b] = users as [TestUser, TestUser];
    sb = await Sandbox.shared(users!);
    await sb.up('--cpus', '4');
  });
  after(async () => {
    await sb?.cleanup();
  });

  // gflowpb's job, whose wrapper gflowpb killed, and a process of gflowpa's given its pid.
  const jobWithStolenPid = async (argv: string[]): Promise<{ id: number; pid: number; victim: ChildProcess }> => {
    for (let round = 0; round < 5; round++) {
      const r = await sb.as(b, ['submit', '--json', '--', 'sleep', '300']);
      assert.equal(r.code, 0, r.stderr);
      const { id } = JSON.parse(r.stdout) as Job;
      const pid = (await sb.waitFor(id, (j) => j.state === 'running' && j.pid !== null)).pid!;
      // gflowpb kills its own job (the wrapper leads the job's process group) and waits until the pid is free.
      const start = readStat(pid)?.startTime;
      const kill = await sb.as(b, ['-KILL', '--', `-${pid}`], { program: '/bin/kill' });
      assert.equal(kill.code, 0, kill.stderr);
      // Gone, or already another process's (pid_max is 32768 here, and other test files fork).
      const freed = await pollUntil(() => readStat(pid)?.startTime !== start, { timeout: 10_000 }).then(() => true, () => false);
      const victim = freed ? await spawnWithPid(a, pid, argv) : undefined;
      if (victim) return { id, pid, victim: sb.track(victim) };
      await sb.as(b, ['cancel', String(id)]);
    }
    assert.fail('the freed pid could not be given to gflowpa five times (another process took it first, or it stayed a zombie)');
  };

  it("a cancel after gflowpb's wrapper died and gflowpa's process took its pid leaves that process alone; the job is lost", async () => {
    // gflowpa's process (with a child) is given the pid.
    const { id, pid, victim } = await jobWithStolenPid(['/bin/bash', '-c', 'sleep 300 & wait']);
    const start = readStat(pid)!.startTime;
    await pollUntil(() => descendantsOf(pid).length === 1, { timeout: 10_000 });
    const child = descendantsOf(pid)[0]!;

    // gflowpb's cancel (the daemon may have found the job lost already: then there is nothing to cancel).
    const cancel = await sb.as(b, ['cancel', String(id)]);
    assert.ok(cancel.code === 0 || /not running|has ended|already/.test(cancel.stderr), cancel.stderr);
    const ended = await sb.waitEnded(id);
    assert.equal(ended.state, 'failed', JSON.stringify(ended));
    assert.match(ended.reason ?? '', /^lost/);
    // Past the kill grace period (2 s in the sandbox): gflowpa's processes got no signal.
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(victim.exitCode, null);
    assert.equal(victim.signalCode, null);
    assert.equal(readStat(pid)?.startTime, start);
    assert.equal(readStat(child.pid)?.startTime, child.startTime);
    victim.kill('SIGKILL');
  });

  it('a job whose wrapper died and whose pid was taken before anyone looked is recorded as lost, with the reason', async () => {
    const { id, pid, victim } = await jobWithStolenPid(['/bin/sleep', '300']);
    // The daemon's periodic look (every 5 s) finds the job's process replaced.
    const ended = await sb.waitEnded(id, 20_000);
    assert.equal(ended.state, 'failed');
    // The daemon may have seen the wrapper's pane die before the pid was taken (then the reason
    // says less); when it finds the pid taken, it says so.
    assert.match(ended.reason ?? '', new RegExp(`^lost(: its process ${pid} ended, and pid ${pid} now belongs to another process)?`));
    assert.equal(victim.exitCode, null);
    victim.kill('SIGKILL');
  });
});
