// A state directory or database gflowd may not write (issue 17, point 11): it says whose it is
// and what to do, never "move the database aside" (which loses data when only access is wrong).
// Root ignores permission bits, so the daemon runs as an ordinary local user here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { BIN, testUsers } from '../helpers/sandbox.js';
import { requiresUsers } from '../helpers/requires.js';

const users = testUsers(['gflowa']);

function runAs(uid: number, gid: number, dir: string): { code: number | null; stderr: string } {
  const env = { PATH: process.env.PATH, HOME: dir, XDG_DATA_HOME: path.join(dir, 'data'), XDG_CONFIG_HOME: path.join(dir, 'config'), GFLOW_MODE: 'personal', GFLOW_PORT: '1', NO_COLOR: '1' };
  const r = spawnSync(process.execPath, [BIN.gflowd, 'run'], { env, uid, gid, cwd: '/', encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stderr: r.stderr };
}

describe('a state directory gflowd may not write', requiresUsers(users), () => {
  const u = users![0]!;
  const sandbox = (): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gflow-access-'));
    fs.chmodSync(dir, 0o755);
    fs.mkdirSync(path.join(dir, 'config'));
    fs.chownSync(path.join(dir, 'config'), u.uid, u.gid);
    return dir;
  };

  it("names the owner and mode of a state directory that is another user's, and keeps the data", () => {
    const dir = sandbox();
    const state = path.join(dir, 'data', 'gflow');
    fs.mkdirSync(state, { recursive: true, mode: 0o755 });
    fs.chownSync(path.join(dir, 'data'), u.uid, u.gid);
    fs.writeFileSync(path.join(state, 'gflow.db'), 'precious');
    const r = runAs(u.uid, u.gid, dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /cannot write .*gflow: permission denied \(owned by uid 0, mode 0755; gflowd runs as uid \d+\)/);
    assert.match(r.stderr, /do not move it aside/);
    assert.doesNotMatch(r.stderr, /move it aside to start/);
    assert.equal(fs.readFileSync(path.join(state, 'gflow.db'), 'utf8'), 'precious');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("names a database file that is another user's instead of calling it corrupt", () => {
    const dir = sandbox();
    const state = path.join(dir, 'data', 'gflow');
    fs.mkdirSync(state, { recursive: true });
    // A database made by root (say, `sudo gflowd` once) in the user's own state directory.
    const made = spawnSync(process.execPath, ['-e', `require('better-sqlite3')(${JSON.stringify(path.join(state, 'gflow.db'))}).pragma('application_id = 1734765687')`], { cwd: path.dirname(BIN.gflowd) + '/..' });
    assert.equal(made.status, 0, String(made.stderr));
    fs.chmodSync(path.join(state, 'gflow.db'), 0o644);
    spawnSync('chown', ['-R', `${u.uid}:${u.gid}`, path.join(dir, 'data')]);
    fs.chownSync(path.join(state, 'gflow.db'), 0, 0);
    const r = runAs(u.uid, u.gid, dir);
    assert.equal(r.code, 1, r.stderr);
    const log = fs.readFileSync(path.join(state, 'gflowd.log'), 'utf8');
    assert.match(log, /cannot write .*gflow\.db: permission denied \(owned by uid 0, mode 0644/);
    assert.doesNotMatch(log, /move it aside to start/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
