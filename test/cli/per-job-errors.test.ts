// Commands over several jobs follow one rule: a job's own error is reported and the others
// go on; a daemon or token error stops at once, reported once; exit 1 if anything failed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Sandbox, useSandbox } from '../helpers/sandbox.js';

describe('errors in commands over several jobs', () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s));

  const errorLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('gflow: '));

  it('cancel and update go on past an unknown job and exit 1', async () => {
    const a = await sb.submit('--hold', '--', 'true');
    const b = await sb.submit('--hold', '--', 'true');
    const upd = await sb.gflow('update', `${a},999999,${b}`, '--priority', '3');
    assert.equal(upd.code, 1);
    assert.deepEqual(upd.stdout.trim().split('\n'), [`Updated job ${a}`, `Updated job ${b}`]);
    assert.equal(errorLines(upd.stderr).length, 1);
    assert.match(upd.stderr, /^gflow: .*999999.*\n {2}hint: /m);
    const r = await sb.gflow('cancel', `${a},999999,${b}`);
    assert.equal(r.code, 1);
    assert.deepEqual(r.stdout.trim().split('\n'), [`Cancelled job ${a}`, `Cancelled job ${b}`]);
    assert.equal(errorLines(r.stderr).length, 1);
    assert.equal(errorLines(r.stderr)[0], errorLines(upd.stderr)[0], 'one formatter for both');
  });

  it('stops at the first token error, reported once, and changes nothing', async () => {
    const a = await sb.submit('--hold', '--', 'true');
    const b = await sb.submit('--hold', '--', 'true');
    const tokenFile = path.join(sb.configDir, 'token');
    const saved = fs.readFileSync(tokenFile);
    fs.writeFileSync(tokenFile, `${'0'.repeat(64)}\n`);
    try {
      for (const args of [['update', `${a},${b}`, '--priority', '7'], ['release', `${a},${b}`], ['cancel', `${a},${b}`]]) {
        const r = await sb.gflow(...args);
        assert.equal(r.code, 1, args.join(' '));
        assert.equal(r.stdout, '');
        assert.equal(errorLines(r.stderr).length, 1, `${args[0]}: ${r.stderr}`);
        assert.match(r.stderr, /wrong API token/);
      }
    } finally {
      fs.writeFileSync(tokenFile, saved);
    }
    for (const id of [a, b]) {
      const j = await sb.job(id);
      assert.equal(j.state, 'hold');
      assert.equal(j.priority, 0);
    }
  });

  it('stops at once when the daemon is not running', async () => {
    await sb.ok('gflowd', 'down');
    const r = await sb.gflow('hold', '1,2,3');
    assert.equal(r.code, 1);
    assert.equal(errorLines(r.stderr).length, 1);
    assert.match(r.stderr, /not running/);
  });
});
