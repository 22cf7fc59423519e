// Opening a path name by name (src/config/safe-open.ts): links in directories only this
// process's user (or root) can write are followed; a link anywhere else on the way, a FIFO, or
// a file of someone else's (a hard link) is refused, without blocking.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { openDirectory, openOwned } from '../../src/config/safe-open.js';
import { HOW, requires } from '../helpers/requires.js';

const ME = process.getuid?.() ?? 0;

describe('safe-open', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'gflow-safe-open-'));
  after(() => fs.rmSync(base, { recursive: true, force: true }));
  const read = (file: string, owner?: number): string => {
    const fd = openOwned(file, owner);
    if (typeof fd !== 'number') return fd;
    try {
      return fs.readFileSync(fd, 'utf8');
    } finally {
      fs.closeSync(fd);
    }
  };

  it('reads a plain file, and one through a link in a directory only its user can write', () => {
    fs.chmodSync(base, 0o755);
    fs.mkdirSync(path.join(base, 'real'), { mode: 0o755 });
    fs.writeFileSync(path.join(base, 'real', 'f'), 'hello');
    fs.symlinkSync('real', path.join(base, 'mine'));
    assert.equal(read(path.join(base, 'real', 'f')), 'hello');
    assert.equal(read(path.join(base, 'mine', 'f')), 'hello');
    assert.equal(read(path.join(base, 'real', 'missing')), 'missing');
    assert.notEqual(openDirectory(path.join(base, 'mine')), undefined);
  });

  it('refuses a link in a directory others can write, and everything below it', () => {
    const open = path.join(base, 'open');
    fs.mkdirSync(open);
    fs.chmodSync(open, 0o777);
    fs.symlinkSync(path.join(base, 'real'), path.join(open, 'logs'));
    assert.equal(read(path.join(open, 'logs', 'f')), 'refused');
    fs.symlinkSync(path.join(base, 'real', 'f'), path.join(open, 'f'));
    assert.equal(read(path.join(open, 'f')), 'refused');
    assert.equal(openDirectory(path.join(open, 'logs')), undefined);
  });

  it('refuses a FIFO without blocking, a directory, and a file of another owner', () => {
    const fifo = path.join(base, 'real', 'fifo');
    execFileSync('mkfifo', [fifo]);
    assert.equal(read(fifo), 'refused');
    assert.equal(read(path.join(base, 'real')), 'refused');
    assert.equal(read(path.join(base, 'real', 'f'), ME + 1), 'refused');
  });

  it("refuses a link in a directory another user owns (a shared daemon's users/<uid>/logs)", requires('root (to chown)', ME === 0, HOW.root), () => {
    const user = path.join(base, 'user');
    fs.mkdirSync(user, { mode: 0o700 });
    fs.chownSync(user, 65534, 65534);
    fs.symlinkSync(path.join(base, 'real'), path.join(user, 'logs'));
    assert.equal(read(path.join(user, 'logs', 'f')), 'refused');
    fs.mkdirSync(path.join(user, 'status'));
    fs.writeFileSync(path.join(user, 'status', '1'), '0\n');
    fs.chownSync(path.join(user, 'status', '1'), 65534, 65534);
    assert.equal(read(path.join(user, 'status', '1'), 65534), '0\n');
  });
});
