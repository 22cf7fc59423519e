// `gflow wait`: a line per job as it ends, the exit code tells whether all finished.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { progressLine } from '../../src/cli/wait-progress.js';
import { Sandbox, useSandbox } from '../helpers/sandbox.js';

describe('wait progress', () => {
  it('counts and estimates the end from the jobs that ended', () => {
    assert.equal(progressLine({ done: 90, failed: 10, running: 4, waiting: 396 }, 100), 'done 90 · failed 10 · running 4 · waiting 396 · 1:40 elapsed · ends in ~6:40');
    assert.equal(progressLine({ done: 0, failed: 0, running: 2, waiting: 0 }, 5), 'done 0 · failed 0 · running 2 · waiting 0 · 0:05 elapsed');
  });
});

describe('gflow wait', () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s), ['--cpus', '4']);
  const gate = (name: string, code = 0): string => `while [ ! -e ${path.join(sb.dir, name)} ]; do sleep 0.05; done; exit ${code}`;

  it('returns 0 once every job of the last submission finished, a line per job', async () => {
    await sb.ok('gflow', 'submit', '--array', '1-3', '--', 'bash', '-c', gate('w1'));
    const waiting = sb.gflow('wait', '@');
    fs.writeFileSync(path.join(sb.dir, 'w1'), '');
    const r = await waiting;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.split('\n').filter((l) => / finished \(CD\): exit 0$/.test(l)).length, 3);
  });

  it('returns 1 when one failed, and 124 when --timeout came first', async () => {
    const bad = await sb.submit('--', 'bash', '-c', 'exit 4');
    const good = await sb.submit('--', 'true');
    const r = await sb.gflow('wait', `${bad},${good}`);
    assert.equal(r.code, 1);
    assert.match(r.stdout, new RegExp(`job ${bad} failed \\(F\\): exit 4`));
    const slow = await sb.submit('--', 'bash', '-c', gate('never'));
    const t = await sb.gflow('wait', String(slow), '--timeout', '1s');
    assert.equal(t.code, 124);
    assert.match(t.stderr, /--timeout 1s reached; 1 job\(s\) still active/);
    await sb.ok('gflow', 'cancel', String(slow));
  });

  it('refuses a bad duration', async () => {
    const r = await sb.gflow('wait', '1', '--timeout', 'soon');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /invalid duration 'soon'/);
  });
});
