import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { pollUntil } from '../helpers/wait.js';
import { ensureGpuLockDir, gpuLockFile, lockHolders, parseProcLocks } from '../../src/executor/gpu-locks.js';

describe('GPU locks', () => {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gflow-locks-')), 'locks');
  after(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

  it('reads flock entries of /proc/locks, skipping POSIX locks and waiters', () => {
    const text = '1: FLOCK  ADVISORY  WRITE 1234 fe:01:2146977 0 EOF\n1: -> FLOCK  ADVISORY  WRITE 99 fe:01:2146977 0 EOF\n2: POSIX  ADVISORY  READ 31109 fe:00:2146961 128 128\n';
    assert.deepEqual(parseProcLocks(text), [{ pid: 1234, major: 0xfe, minor: 1, ino: 2146977 }]);
  });

  it('sees a lock another process holds on a GPU file, and its release', async () => {
    ensureGpuLockDir(dir);
    assert.equal(fs.statSync(dir).mode & 0o7777, 0o1777);
    const file = gpuLockFile(dir, 'GPU-1234/x');
    assert.equal(path.dirname(file), dir);
    fs.writeFileSync(file, '');
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
});
