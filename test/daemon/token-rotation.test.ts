// The API token can be rotated when it may have leaked: the old one stops working at once.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Sandbox } from '../helpers/sandbox.js';

describe('token rotation', () => {
  let sb: Sandbox;
  let file: string;
  before(async () => {
    sb = await Sandbox.create();
    await sb.up();
    file = path.join(sb.configDir, 'token');
  });
  after(async () => {
    await sb.cleanup();
  });

  const asks = (token: string): Promise<number> => fetch(`http://127.0.0.1:${sb.port}/v1/jobs`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);

  it('gflowd rotate-token: the running daemon takes the new token and refuses the old', async () => {
    const old = fs.readFileSync(file, 'utf8').trim();
    assert.equal(await asks(old), 200);
    assert.match(await sb.ok('gflowd', 'rotate-token'), /Rotated the API token .*refuses the old one/);
    const fresh = fs.readFileSync(file, 'utf8').trim();
    assert.notEqual(fresh, old);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(await asks(old), 401);
    assert.equal(await asks(fresh), 200);
    await sb.ok('gflow', 'queue'); // the CLI reads the new one
    assert.doesNotMatch(fs.readFileSync(path.join(sb.stateDir, 'gflowd.log'), 'utf8'), new RegExp(fresh));
  });

  it('replaces at start a token others could read', async () => {
    await sb.ok('gflowd', 'down');
    fs.chmodSync(file, 0o644);
    const old = fs.readFileSync(file, 'utf8').trim();
    await sb.up();
    assert.notEqual(fs.readFileSync(file, 'utf8').trim(), old);
    assert.equal(await asks(old), 401);
    assert.match(fs.readFileSync(path.join(sb.stateDir, 'gflowd.log'), 'utf8'), /was readable by others \(mode 644\): replaced/);
  });
});
