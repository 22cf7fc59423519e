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
  });

  it('refuses a warning signal not due while the job runs: on the command line (either order) and over the API, submit and update', async () => {
    const before = await sb.ok('gflow', 'queue', '-a', '--json');
    const early = /^gflow: the warning signal 600 s before the time limit would be due before the job starts: its time limit is 300 s\n {2}hint: give fewer seconds .*or a longer time limit \(-t\/--time\)\n$/;
    for (const args of [['--signal', 'USR1@600', '--time', '5:00'], ['--time', '5:00', '--signal', 'USR1@600'], ['-t', '5:00', '--signal', 'USR1@300']]) {
      const r = await sb.gflow('submit', ...args, '--', 'true');
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr.replace('300 s before', '600 s before'), early);
    }
    const none = await sb.gflow('submit', '--signal', 'USR1@10', '--', 'true');
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^gflow: the warning signal is sent before the time limit, and the job has none\n {2}hint: add a time limit longer than 10 s \(-t\/--time\)\n$/);

    // The daemon holds the same rule for any client.
    const token = fs.readFileSync(path.join(sb.configDir, 'token'), 'utf8').trim();
    const post = async (route: string, body: object): Promise<{ status: number; body: { code: string; message: string; hint?: string } }> => {
      const r = await fetch(`http://127.0.0.1:${sb.port}${route}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: r.status, body: (await r.json()) as { code: string; message: string; hint?: string } };
    };
    const job = { cwd: '/', env: {}, command: ['true'], hold: true, warnSignal: 'SIGUSR1', warnBeforeSec: 600 };
    for (const [body, said] of [[{ ...job, timeLimitSec: 300 }, /would be due before the job starts: its time limit is 300 s/], [job, /and the job has none/]] as const) {
      for (const route of ['/v1/jobs', '/v1/jobs/dry-run']) {
        const r = await post(route, body);
        assert.equal(r.status, 400, `${route}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.code, 'bad_request');
        assert.match(r.body.message, said);
        assert.ok(r.body.hint, 'a hint says what to do');
      }
    }
    assert.equal(await sb.ok('gflow', 'queue', '-a', '--json'), before, 'nothing was submitted');
    // A held job with a warning 120 s before its 10 minutes: its limit cannot shrink to 2 minutes.
    const held = await sb.submit('--hold', '-t', '10:00', '--signal', 'USR1@120', '--', 'true');
    const shrink = await post(`/v1/jobs/${held}/update`, { timeLimitSec: 120 });
    assert.deepEqual([shrink.status, shrink.body.code], [400, 'bad_request']);
    assert.match(shrink.body.message, /its time limit is 120 s/);
    const cli = await sb.gflow('update', String(held), '--time', '2:00');
    assert.notEqual(cli.code, 0); // 1: update acts job by job, and this job's change was refused
    assert.match(cli.stderr, /^gflow: the warning signal 120 s before the time limit would be due before the job starts: its time limit is 120 s\n {2}hint: /);
    assert.equal((await sb.job(held)).timeLimitSec, 600);
    await sb.ok('gflow', 'cancel', String(held));
  });
});
