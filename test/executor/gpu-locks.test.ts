import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { pollUntil } from '../helpers/wait.js';
import { ensureGpuLockDir, ensureGpuLockFile, gpuLockFile, lockHolders, parseProcLocks, rootLockDir } from '../../src/executor/gpu-locks.js';
import { HOW, requires } from '../helpers/requires.js';

describe('GPU locks', () => {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gflow-locks-')), 'locks');
  after(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

  it('reads flock entries of /proc/locks, skipping POSIX locks and waiters', () => {
    const text = '1: FLOCK  ADVISORY  WRITE 1234 fe:01:2146977 0 EOF\n1: -> FLOCK  ADVISORY  WRITE 99 fe:01:2146977 0 EOF\n2: POSIX  ADVISORY  READ 31109 fe:00:2146961 128 128\n';
    assert.deepEqual(parseProcLocks(text), [{ pid: 1234, major: 0xfe, minor: 1, ino: 2146977 }]);
  });

  it('sees a lock another process holds on a GPU file, and its release', async () => {
    assert.equal(ensureGpuLockDir(dir), true);
    const file = gpuLockFile(dir, 'GPU-1234/x');
    assert.equal(path.dirname(file), dir);
    ensureGpuLockFile(file);
    assert.equal(lockHolders([file]).size, 0);
    // flock(1) passes the locked descriptor to its command: the whole group holds the lock.
    const holder = spawn('flock', ['-n', file, 'sleep', '30'], { detached: true });
    try {
      await pollUntil(() => lockHolders([file]).has(file), { timeout: 5000 });
    } finally {
      process.kill(-holder.pid!, 'SIGKILL');
    }
    await pollUntil(() => !lockHolders([file]).has(file), { timeout: 5000 });
  });

  it("as root, makes the directory root's (0755) whatever was at its place, and each lock a root-only regular file", requires('root', process.getuid?.() === 0, HOW.root), () => {
    const other = path.join(path.dirname(dir), 'elsewhere');
    fs.mkdirSync(other, { recursive: true });
    // A link at the directory's place (a user got there first after /tmp was cleared).
    fs.rmSync(dir, { recursive: true, force: true });
    fs.symlinkSync(other, dir);
    ensureGpuLockDir(dir);
    assert.ok(rootLockDir(dir));
    assert.ok(fs.existsSync(other), 'the link was removed, not followed');
    // An older gflow's 1777 directory is taken over in place.
    fs.chmodSync(dir, 0o1777);
    ensureGpuLockDir(dir);
    assert.equal(fs.lstatSync(dir).mode & 0o7777, 0o755);
    // A FIFO (would hang an open), a link, a file for everyone, a directory: each replaced, nothing blocks.
    const target = path.join(other, 'target');
    fs.writeFileSync(target, 'keep');
    const plant: Record<string, (f: string) => void> = {
      fifo: (f) => execFileSync('mkfifo', [f]),
      link: (f) => fs.symlinkSync(target, f),
      open: (f) => fs.writeFileSync(f, '', { mode: 0o666 }),
      dir: (f) => fs.mkdirSync(f),
    };
    for (const [name, make] of Object.entries(plant)) {
      const f = gpuLockFile(dir, `GPU-${name}`);
      make(f);
      ensureGpuLockFile(f);
      const st = fs.lstatSync(f);
      assert.ok(st.isFile(), name);
      assert.deepEqual([st.uid, st.mode & 0o7777], [0, 0o600], name);
    }
    assert.equal(fs.readFileSync(target, 'utf8'), 'keep');
  });
});
