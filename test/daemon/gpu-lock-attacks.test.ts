// A hostile neighbour against the GPU locks of the shared daemon: before the daemon starts
// (/tmp cleared at boot, GPU UUIDs are public) they create the lock directory themselves and
// put a FIFO, a link and a file they hold flocked at three GPUs' lock paths. The victim's GPU
// jobs still start, each with its lock held; the attacker can neither lock nor plant anything.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gpuLockFile, lockHolders } from '../../src/executor/gpu-locks.js';
import type { Job } from '../../src/protocol/job.js';
import { FakeNvidiaSmi } from '../helpers/fake-nvidia-smi.js';
import { Sandbox, testUsers, type TestUser } from '../helpers/sandbox.js';
import { pollUntil } from '../helpers/wait.js';
import { requiresUsers } from '../helpers/requires.js';

const users = testUsers(['gflowa', 'gflowb']);

// The processes that have `file` open (not an earlier file at its path: that reads "(deleted)").
function openers(file: string): number[] {
  const out: number[] = [];
  for (const pid of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (fs.readdirSync(`/proc/${pid}/fd`).some((fd) => fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === file)) out.push(Number(pid));
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

describe('shared daemon: GPU locks against another user', requiresUsers(users), () => {
  let sb: Sandbox;
  let attacker: TestUser;
  let victim: TestUser;
  let lockDir: string;
  const locks = (): string[] => [0, 1, 2].map((i) => gpuLockFile(lockDir, FakeNvidiaSmi.uuid(i)));
  const gate = (): string => path.join(victim.home, 'gpu-gate');

  before(async () => {
    [attacker, victim] = users as [TestUser, TestUser];
    sb = await Sandbox.shared(users!);
    const smi = new FakeNvidiaSmi(path.join(sb.dir, 'nvidia'), [{ index: 0 }, { index: 1 }, { index: 2 }]);
    sb.env.PATH = `${smi.binDir}:${sb.env.PATH ?? ''}`;
    // The users' stand-in for /tmp (1777): anyone may create there.
    lockDir = path.join(sb.userTmpdir, 'gflow-gpu-locks');
    sb.env.GFLOW_GPU_LOCK_DIR = lockDir;
  });
  after(async () => {
    await sb?.cleanup();
  });

  it("runs the victim's GPU jobs with their locks despite a FIFO, a link and a flocked file planted first", async () => {
    const [fifo, link, flocked] = locks() as [string, string, string];
    const decoy = path.join(attacker.home, 'decoy');
    const plant = await sb.as(attacker, ['-c', `mkdir -m 1777 ${lockDir} && mkfifo -m 666 ${fifo} && : > ${decoy} && ln -s ${decoy} ${link} && : > ${flocked} && chmod 666 ${flocked}`], { program: '/bin/bash' });
    assert.equal(plant.code, 0, plant.stderr);
    // The attacker holds the third lock, as a job of another daemon would.
    const holder = sb.track(spawn('flock', ['-n', flocked, 'sleep', '300'], { uid: attacker.uid, gid: attacker.gid, stdio: 'ignore', detached: true }));
    await pollUntil(() => lockHolders([flocked]).has(flocked), { timeout: 5000 });
    try {
      await sb.up('--cpus', '4');
      fs.rmSync(gate(), { force: true });
      const ids: number[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await sb.as(victim, ['submit', '--json', '-g', '1', '--', 'bash', '-c', `while [ ! -e ${gate()} ]; do sleep 0.05; done`]);
        assert.equal(r.code, 0, r.stderr);
        ids.push((JSON.parse(r.stdout) as Job).id);
      }
      const jobs = await Promise.all(ids.map((id) => sb.waitFor(id, (j) => j.state === 'running')));
      assert.deepEqual(jobs.flatMap((j) => j.gpuIds ?? []).sort(), [0, 1, 2]);
      // Each lock is root's own regular file now, and held (by root, for the victim's job).
      await pollUntil(() => lockHolders(locks()).size === 3, { timeout: 5000 });
      for (const file of locks()) {
        const st = fs.lstatSync(file);
        assert.ok(st.isFile(), file);
        assert.deepEqual([st.uid, st.mode & 0o7777], [0, 0o600]);
        const owners = openers(file).map((pid) => /^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
        assert.deepEqual([...new Set(owners)], ['0'], `${file} is open in root's processes only`);
      }
      assert.deepEqual([fs.lstatSync(lockDir).uid, fs.lstatSync(lockDir).mode & 0o7777], [0, 0o755]);
      assert.equal(fs.readFileSync(decoy, 'utf8'), '', "the attacker's file was not touched through the link");

      // The attacker can take no lock and plant nothing now.
      for (const file of locks()) {
        const r = await sb.as(attacker, ['-n', file, 'true'], { program: 'flock' });
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /Permission denied/);
      }
      for (const cmd of [`mkfifo ${lockDir}/x`, `ln -s ${decoy} ${lockDir}/y`, `rm -f ${fifo}`, `mv ${link} ${lockDir}/z`]) {
        const r = await sb.as(attacker, ['-c', cmd], { program: '/bin/bash' });
        assert.notEqual(r.code, 0, cmd);
        assert.match(r.stderr, /Permission denied/, cmd);
      }

      // Root's holders outlive the daemon, as the jobs do: after a reload the locks are still held.
      await sb.ok('gflowd', 'reload');
      assert.equal(lockHolders(locks()).size, 3);
      for (const id of ids) assert.equal((await sb.job(id)).state, 'running');

      // The jobs end; their locks are let go.
      fs.writeFileSync(gate(), '');
      for (const id of ids) assert.equal((await sb.waitFor(id, (j) => j.state !== 'running')).state, 'finished');
      await pollUntil(() => lockHolders(locks()).size === 0, { timeout: 5000 });
    } finally {
      process.kill(-holder.pid!, 'SIGKILL');
    }
  });
});
