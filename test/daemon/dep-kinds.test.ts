// Slurm's dependency kinds end to end: real daemon, real tmux.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Sandbox, useSandbox } from '../helpers/sandbox.js';

const gate = (file: string, then = 'exit 0'): string => `while [ ! -e ${file} ]; do sleep 0.05; done; ${then}`;

describe('dependency kinds', () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s), ['--cpus', '8']);

  it('runs afternotok after a failure, afterany after any end, and cancels afterok', async () => {
    const bad = await sb.submit('--', 'bash', '-c', gate(path.join(sb.dir, 'd1'), 'exit 3'));
    const onFail = await sb.submit('-d', `afternotok:${bad}`, '--', 'true');
    const any = await sb.submit('-d', `afterany:${bad}`, '--', 'true');
    const ok = await sb.submit('-d', String(bad), '--', 'true');
    const why = await sb.ok('gflow', 'why', String(any));
    assert.match(why, new RegExp(`afterany:${bad} \\(running\\)`));
    assert.match(await sb.ok('gflow', 'show', String(onFail)), new RegExp(`Depends on: +afternotok:${bad} \\(all\\)`));
    fs.writeFileSync(path.join(sb.dir, 'd1'), '');
    assert.equal((await sb.waitEnded(onFail)).state, 'finished');
    assert.equal((await sb.waitEnded(any)).state, 'finished');
    const cancelled = await sb.waitEnded(ok);
    assert.equal(cancelled.state, 'cancelled');
    assert.equal(cancelled.reason, `dependency ${bad} failed`);
  });

  it('cancels an afternotok job when its dependency succeeds', async () => {
    const good = await sb.submit('--', 'true');
    const job = await sb.submit('-d', `afternotok:${good}`, '--', 'true');
    const end = await sb.waitEnded(job);
    assert.equal(end.state, 'cancelled');
    assert.equal(end.reason, `dependency ${good} finished (afternotok)`);
  });

  it("takes an array's id as all of its tasks, and pairs tasks with aftercorr", async () => {
    const first = Number(/Submitted jobs (\d+)-/.exec(await sb.ok('gflow', 'submit', '--array', '1-3', '--', 'bash', '-c', gate(path.join(sb.dir, 'a$GFLOW_ARRAY_TASK_ID'))))![1]);
    const all = await sb.submit('-d', `afterok:${first}`, '--', 'true');
    assert.deepEqual((await sb.job(all)).dependsOn, [first, first + 1, first + 2]);
    const out = await sb.ok('gflow', 'submit', '--array', '1-3', '-d', `aftercorr:${first}`, '--', 'true');
    const corr = Number(/Submitted jobs (\d+)-/.exec(out)![1]);
    for (let i = 0; i < 3; i++) assert.deepEqual((await sb.job(corr + i)).dependsOn, [first + i]);
    fs.writeFileSync(path.join(sb.dir, 'a2'), '');
    assert.equal((await sb.waitEnded(corr + 1)).state, 'finished');
    assert.equal((await sb.job(corr)).state, 'queued', 'task 1 still waits for its own pair');
    fs.writeFileSync(path.join(sb.dir, 'a1'), '');
    fs.writeFileSync(path.join(sb.dir, 'a3'), '');
    for (const id of [corr, corr + 2, all]) assert.equal((await sb.waitEnded(id)).state, 'finished');
  });

  it('refuses aftercorr on a single job and an unknown kind', async () => {
    const one = await sb.submit('--', 'true');
    const r = await sb.gflow('submit', '-d', `aftercorr:${one}`, '--array', '1-2', '--', 'true');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not part of an array or sweep/);
    const k = await sb.gflow('submit', '-d', `afterwards:${one}`, '--', 'true');
    assert.equal(k.code, 2);
    assert.match(k.stderr, /unknown dependency kind 'afterwards'.*\n.*hint: use afterok, afterany/);
  });

  it('runs singleton jobs of one name one at a time', async () => {
    const a = await sb.submit('-J', 'solo', '-d', 'singleton', '--', 'bash', '-c', gate(path.join(sb.dir, 's1')));
    await sb.waitFor(a, (j) => j.state === 'running');
    const b = await sb.submit('-n', 'solo', '-d', 'singleton', '--', 'true');
    await sb.waitFor(b, (j) => j.reason === `Singleton ${a}`);
    assert.match(await sb.ok('gflow', 'why', String(b)), new RegExp(`singleton: waits for job ${a}`));
    fs.writeFileSync(path.join(sb.dir, 's1'), '');
    assert.equal((await sb.waitEnded(b)).state, 'finished');
  });
});
