import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ensureToken, readToken } from '../../src/config/token.js';
import { HOW, requiresNow } from '../helpers/requires.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gflow-token-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Makes a file immutable (chmod fails even for root); false where chattr cannot. */
function immutable(file: string, on: boolean): boolean {
  try {
    execFileSync('chattr', [on ? '+i' : '-i', file], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('API token', () => {
  it('creates a token once and keeps it', () => {
    const file = path.join(dir, 'a', 'token');
    const t = ensureToken(file);
    assert.match(t, /^[0-9a-f]{64}$/);
    assert.equal(ensureToken(file), t);
    assert.equal(readToken(file), t);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  });

  it('replaces a token others could read (it may have leaked), and says so', () => {
    const file = path.join(dir, 'd', 'token');
    const token = ensureToken(file);
    fs.chmodSync(file, 0o644);
    const said: string[] = [];
    const fresh = ensureToken(file, (why) => said.push(why));
    assert.notEqual(fresh, token);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.match(said.join(''), /readable by others \(mode 644\): replaced/);
  });

  it('reports a token it cannot replace instead of going on with it', (t) => {
    const file = path.join(dir, 'b', 'token');
    const token = ensureToken(file);
    fs.chmodSync(file, 0o644);
    if (!requiresNow(t, 'chattr +i (root, e2fsprogs, a filesystem with the immutable flag)', immutable(file, true), HOW.systemDeps)) return;
    try {
      assert.throws(() => ensureToken(file), /cannot replace the API token .*which others could read \(mode 644\)/);
    } finally {
      immutable(file, false);
    }
    assert.equal(fs.readFileSync(file, 'utf8').trim(), token, 'the token is unchanged');
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['token'], 'no half-written token is left');
  });

  it('reports a token that is not a readable file', () => {
    const file = path.join(dir, 'c', 'token');
    fs.mkdirSync(file, { recursive: true });
    assert.throws(() => ensureToken(file), /cannot read the API token .*EISDIR/);
    assert.throws(() => readToken(file), /cannot read the API token .*EISDIR/);
    assert.throws(() => readToken(path.join(dir, 'none')), /no API token at/);
  });
});
