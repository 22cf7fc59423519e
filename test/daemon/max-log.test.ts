// --max-log and the maxLog setting: a job's log keeps the first N bytes of its output and
// says where it was cut; a job whose output fits is logged whole.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { Sandbox, useSandbox } from '../helpers/sandbox.js';

const CUT = /\[gflow: the log stops here: it reached its --max-log of 4K; the rest of the output was not kept\]/;

describe('log size cap', () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s));

  it('keeps the first bytes of a long output, says so, and ends the job as usual', async () => {
    const id = await sb.submit('--max-log', '4K', '--', 'bash', '-c', 'for i in $(seq 1 5000); do echo "line $i"; done; exit 3');
    const job = await sb.waitEnded(id);
    assert.equal(job.state, 'failed');
    assert.equal(job.exitCode, 3);
    const raw = fs.readFileSync(job.logPath);
    assert.ok(raw.length < 4096 + 200, `the log has ${raw.length} bytes`);
    const log = await sb.ok('gflow', 'log', String(id));
    assert.match(log, /^line 1\n/);
    assert.match(log, CUT);
    assert.doesNotMatch(log, /line 5000/);
  });

  it('logs an output that fits whole, without a note', async () => {
    const id = await sb.submit('--max-log', '4K', '--', 'echo', 'short');
    assert.equal((await sb.waitEnded(id)).state, 'finished');
    assert.equal(await sb.ok('gflow', 'log', String(id)), 'short\n');
  });

  it('refuses a size it cannot read, exit 2', async () => {
    const r = await sb.gflow('submit', '--max-log', 'lots', '--', 'true');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /invalid size 'lots'[^]*hint: use a size like 500M/);
  });

  it('takes the maxLog setting as every job\'s default', async () => {
    for (const bad of ['0', 'lots', '4 K']) assert.equal((await sb.gflow('config', 'set', 'maxLog', bad)).code, 2, bad);
    await sb.ok('gflow', 'config', 'set', 'maxLog', '4K');
    await sb.ok('gflowd', 'restart');
    const id = await sb.submit('--', 'bash', '-c', 'seq 1 5000');
    const job = await sb.waitEnded(id);
    assert.equal(job.state, 'finished');
    assert.match(await sb.ok('gflow', 'log', String(id)), CUT);
  });
});
