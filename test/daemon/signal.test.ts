// `gflow signal` and `--signal SIG@SECONDS`: real daemon, real tmux, real signals.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pollUntil } from '../helpers/wait.js';
import { parseSignal, parseSignalSpec } from '../../src/core/signals.js';
import { Sandbox, useSandbox } from '../helpers/sandbox.js';

describe('signal names', () => {
  it('takes names with or without SIG, and numbers', () => {
    assert.equal(parseSignal('usr1'), 'SIGUSR1');
    assert.equal(parseSignal('SIGTERM'), 'SIGTERM');
    assert.equal(parseSignal('10'), 'SIGUSR1');
    assert.throws(() => parseSignal('NOPE'), /unknown signal 'NOPE'/);
    assert.deepEqual(parseSignalSpec('B:USR2@90'), { signal: 'SIGUSR2', beforeSec: 90 });
    assert.deepEqual(parseSignalSpec('USR1'), { signal: 'SIGUSR1', beforeSec: 60 });
  });
});

describe('signalling jobs', () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s), ['--cpus', '4']);
  const file = (n: string): string => path.join(sb.dir, n);

  it("reaches the job's whole process tree, also a child that left it with setsid", async () => {
    const child = `trap "touch ${file('child')}; exit 0" USR1; touch ${file('child-ready')}; while :; do sleep 0.05; done`;
    const id = await sb.submit('-o', 'sig-%j.out', '--', 'bash', '-c', `setsid bash -c '${child}' & trap 'echo got USR1; wait; exit 0' USR1; touch ${file('ready')}; while :; do sleep 0.05; done`);
    await pollUntil(() => fs.existsSync(file('ready')) && fs.existsSync(file('child-ready')), { interval: 50, timeout: 20_000 });
    assert.match(await sb.ok('gflow', 'signal', String(id), 'USR1'), new RegExp(`Sent SIGUSR1 to job ${id} \\(\\d+ processes\\)`));
    const job = await sb.waitEnded(id);
    assert.equal(job.state, 'finished', 'the job handled the signal and exited 0');
    assert.ok(fs.existsSync(file('child')));
    // Every process got it: the loop's `sleep` died of it too (bash says so on stderr).
    assert.match(fs.readFileSync(path.join(sb.dir, `sig-${id}.out`), 'utf8'), /^got USR1$/m, 'the -o tee did not die of the signal');
    const r = await sb.gflow('signal', String(id), 'USR1');
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`cannot signal job ${id}: it is finished`));
    const bad = await sb.gflow('signal', String(id), 'WAT');
    assert.equal(bad.code, 2);
  });

  it('sends --signal before the time limit, so the job can checkpoint and finish', async () => {
    const id = await sb.submit('-t', '0:30', '--signal', 'USR1@28', '--', 'bash', '-c', `trap 'echo checkpoint; exit 0' USR1; while :; do sleep 0.05; done`);
    const job = await sb.waitEnded(id);
    assert.equal(job.state, 'finished');
    assert.match(await sb.ok('gflow', 'log', String(id)), /^checkpoint$/m);
    const r = await sb.gflow('submit', '--signal', 'USR1@10', '--', 'true');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /the job has none/);
  });
});
