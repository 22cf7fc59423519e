// Jobs end to end: submit → SQLite → scheduler → tmux session → exit code and log.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pollUntil } from '../helpers/wait.js';
import { isAlive, listProcesses, readCmdline } from '../../src/executor/proc.js';
import { Sandbox, useSandbox } from '../helpers/sandbox.js';
import type { Job } from '../../src/protocol/job.js';

/** A job that waits until the test creates `gate` in the sandbox dir, then runs `then`. */
const gated = (gate: string, then = 'exit 0'): string[] => ['--', 'bash', '-c', `while [ ! -e ${gate} ]; do sleep 0.05; done; ${then}`];

function processesWithArg(arg: string): number[] {
  return listProcesses()
    .filter((p) => p.state !== 'Z' && readCmdline(p.pid).includes(arg))
    .map((p) => p.pid);
}

describe('jobs', () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s), ['--cpus', '1']);

  it('records exit codes 0 and 3 and a SIGKILLed job, and logs the output', async () => {
    const ok = await sb.submit('--', 'bash', '-c', 'echo "out $GFLOW_JOB_ID"; echo err >&2');
    const three = await sb.submit('--', 'bash', '-c', 'exit 3');
    const killed = await sb.submit('--', 'bash', '-c', 'kill -9 $$');
    const a = await sb.waitEnded(ok);
    assert.equal(a.state, 'finished');
    assert.equal(a.exitCode, 0);
    assert.equal(a.endedBy, 'natural');
    const log = await sb.ok('gflow', 'log', String(ok));
    assert.equal(log, `out ${ok}\nerr\n`);
    const b = await sb.waitEnded(three);
    assert.equal(b.state, 'failed');
    assert.equal(b.exitCode, 3);
    assert.equal(b.reason, 'exit code 3');
    const c = await sb.waitEnded(killed);
    assert.equal(c.state, 'failed');
    assert.equal(c.exitCode, 137);
    assert.equal(c.signal, 'SIGKILL');
  });

  it('starts jobs by priority, then submission order, with one slot', async () => {
    const blocker = await sb.submit(...gated('go-prio'));
    await sb.waitFor(blocker, (j) => j.state === 'running');
    const low = await sb.submit('-p', '1', '--', 'true');
    const high1 = await sb.submit('-p', '5', '--', 'true');
    const high2 = await sb.submit('-p', '5', '--', 'true');
    const queued = await sb.job(low);
    assert.equal(queued.state, 'queued');
    fs.writeFileSync(path.join(sb.dir, 'go-prio'), '');
    const ends = await Promise.all([high1, high2, low].map((id) => sb.waitEnded(id)));
    const started = ends.map((j) => Date.parse(j.startedAt!));
    assert.ok(started[0]! <= started[1]! && started[1]! <= started[2]!, `start order ${JSON.stringify(ends.map((j) => [j.id, j.startedAt]))}`);
  });

  it('holds and releases, and refuses illegal moves with 409', async () => {
    const id = await sb.submit('--hold', '--', 'bash', '-c', 'exit 0');
    assert.equal((await sb.job(id)).state, 'hold');
    const held = await sb.gflow('release', String(id));
    assert.equal(held.code, 0);
    const done = await sb.waitEnded(id);
    assert.equal(done.state, 'finished');
    for (const verb of ['cancel', 'release', 'hold']) {
      const r = await sb.gflow(verb, String(id));
      assert.equal(r.code, 1, `${verb} of a finished job`);
      assert.match(r.stderr, new RegExp(`cannot ${verb} job ${id}: it is finished`));
    }
    const q = await sb.submit('--', 'true');
    await sb.waitEnded(q);
    const rel = await sb.gflow('release', '999999');
    assert.equal(rel.code, 1);
    assert.match(rel.stderr, /job 999999 does not exist/);
  });

  it('resolves @ and @~N to the user\'s most recent jobs', async () => {
    const first = await sb.submit('--hold', '--', 'true');
    const second = await sb.submit('--hold', '--', 'true');
    assert.equal((JSON.parse(await sb.ok('gflow', 'show', '@', '--json')) as { id: number }).id, second);
    assert.equal((JSON.parse(await sb.ok('gflow', 'show', '@~2', '--json')) as { id: number }).id, first);
    await sb.ok('gflow', 'cancel', `${first},${second}`);
    assert.equal((await sb.job(first)).state, 'cancelled');
  });

  it('cancels a job that ignores SIGTERM and one with a setsid and a double-forked child: nothing survives', async () => {
    const stubborn = await sb.submit('--', 'bash', '-c', 'trap "" TERM; sleep 3001 & wait; sleep 3001');
    const escaper = await sb.submit('-c', '1', '--', 'bash', '-c', 'setsid sleep 3002 & (setsid bash -c "sleep 3003" &); sleep 3004');
    await sb.waitFor(stubborn, (j) => j.state === 'running' && j.pid !== null);
    await pollUntil(() => processesWithArg('3001').length > 0, { timeout: 10_000 });
    await sb.ok('gflow', 'cancel', String(stubborn));
    const a = await sb.waitEnded(stubborn);
    assert.equal(a.state, 'cancelled');
    assert.equal(a.endedBy, 'hard');
    assert.deepEqual(processesWithArg('3001'), []);

    await sb.waitFor(escaper, (j) => j.state === 'running');
    await pollUntil(() => processesWithArg('3003').length > 0 && processesWithArg('3002').length > 0, { timeout: 10_000 });
    await sb.ok('gflow', 'cancel', String(escaper));
    const b = await sb.waitEnded(escaper);
    assert.equal(b.state, 'cancelled');
    assert.equal(b.endedBy, 'soft');
    for (const arg of ['3002', '3003', '3004']) assert.deepEqual(processesWithArg(arg), [], `sleep ${arg} survived`);
  });

  it('stops a job at its time limit', async () => {
    const id = await sb.submit('-t', '0:01', '--', 'sleep', '3005');
    const j = await sb.waitEnded(id);
    assert.equal(j.state, 'timeout');
    assert.equal(j.endedBy, 'soft');
    assert.equal(j.signal, 'SIGTERM');
    assert.deepEqual(processesWithArg('3005'), []);
  });

  it('runs a script with directives, and a script from stdin', async () => {
    const script = path.join(sb.dir, 'job.sh');
    fs.writeFileSync(script, '#!/bin/bash\n# GFLOW --name=from-script --priority=7\necho "script $1 ran in $(pwd)"\n');
    const id = await sb.submit(script);
    const j = await sb.waitEnded(id);
    assert.equal(j.name, 'from-script');
    assert.equal(j.priority, 7);
    assert.equal(j.session, `gjob-${id}-from-script`);
    assert.equal(await sb.ok('gflow', 'log', String(id)), `script  ran in ${sb.dir}\n`);
    const r = await sb.run('gflow', ['submit', '--name', 'cli-wins', '-'], { input: '# GFLOW --name=ignored\necho from stdin\n' });
    assert.equal(r.code, 0, r.stderr);
    const s = await sb.waitEnded(Number(/job (\d+)/.exec(r.stdout)![1]));
    assert.equal(s.name, 'cli-wins');
    assert.equal(await sb.ok('gflow', 'log', String(s.id)), 'from stdin\n');
  });

  it('refuses what can only fail, with exit code 2', async () => {
    for (const args of [['submit', 'lst'], ['submit'], ['submit', '-t', 'soon', '--', 'true'], ['submit', '--cpus', 'x', '--', 'true'], ['queue', '-s', 'XX'], ['cancel', 'abc'], ['nonsense']]) {
      const r = await sb.gflow(...args);
      assert.equal(r.code, 2, `gflow ${args.join(' ')}: ${r.stderr}`);
      assert.ok(r.stderr.trim().length > 0);
    }
    const before = JSON.parse(await sb.ok('gflow', 'queue', '-a', '--json')) as unknown[];
    assert.ok(before.length > 0);
  });

  it('keeps running jobs across kill -9 of the daemon, and records jobs that ended meanwhile', async () => {
    const runsOn = await sb.submit(...gated('go-adopt', 'exit 4'));
    await sb.waitFor(runsOn, (j) => j.state === 'running' && j.pid !== null);
    const status = JSON.parse(await sb.ok('gflowd', 'status', '--json')) as { pid: number };
    process.kill(status.pid, 'SIGKILL');
    await pollUntil(() => !isAlive(status.pid), { timeout: 5000 });
    const down = await sb.gflow('show', String(runsOn));
    assert.equal(down.code, 1);
    assert.match(down.stderr, /gflowd is not running/);
    await sb.up('--cpus', '1');
    const adopted = await sb.job(runsOn);
    assert.equal(adopted.state, 'running');
    assert.ok(adopted.pid !== null && isAlive(adopted.pid));

    // Now the job ends while the daemon is dead.
    const pid = (JSON.parse(await sb.ok('gflowd', 'status', '--json')) as { pid: number }).pid;
    process.kill(pid, 'SIGKILL');
    await pollUntil(() => !isAlive(pid), { timeout: 5000 });
    fs.writeFileSync(path.join(sb.dir, 'go-adopt'), '');
    await pollUntil(() => !isAlive(adopted.pid!), { timeout: 10_000 });
    const statusFile = path.join(sb.stateDir, 'status', String(runsOn));
    const endedAt = Math.floor(fs.statSync(statusFile).mtimeMs);
    await new Promise((r) => setTimeout(r, 1500)); // the daemon stays down a while longer
    await sb.up('--cpus', '1');
    const ended = await sb.waitEnded(runsOn);
    assert.equal(ended.state, 'failed');
    assert.equal(ended.exitCode, 4);
    // Its end time is when it ended, not when a daemon noticed.
    assert.equal(Date.parse(ended.finishedAt!), endedAt);
  });

  it('loses no acknowledged submission to kill -9', async () => {
    const ids: number[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i = 0; i < 5; i++) ids.push(await sb.submit('--hold', '--', 'true'));
      }),
    );
    const pid = (JSON.parse(await sb.ok('gflowd', 'status', '--json')) as { pid: number }).pid;
    process.kill(pid, 'SIGKILL');
    await pollUntil(() => !isAlive(pid), { timeout: 5000 });
    await sb.up('--cpus', '1');
    const jobs = JSON.parse(await sb.ok('gflow', 'queue', '-a', '--json')) as { id: number; state: string }[];
    for (const id of ids) assert.equal(jobs.filter((j) => j.id === id).length, 1, `job ${id}`);
    assert.equal(new Set(ids).size, ids.length);
    await sb.ok('gflow', 'cancel', ids.join(','));
  });
});

describe('reading jobs', () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s));

  it('follows a log until the job ends, and shows progress bars in their last state', async () => {
    const id = await sb.submit('--', 'bash', '-c', 'echo start; while [ ! -e go-log ]; do sleep 0.05; done; printf "10%%\\r50%%\\r100%%\\n"; printf "\\033[31mred\\033[0m\\n"; echo end');
    await sb.waitFor(id, (j) => j.state === 'running');
    const follow = sb.run('gflow', ['log', '-f', String(id)]);
    fs.writeFileSync(path.join(sb.dir, 'go-log'), '');
    const r = await follow;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'start\n100%\nred\nend\n');
    const raw = await sb.ok('gflow', 'log', '--raw', String(id));
    assert.match(raw, /10%\r50%\r100%/);
    assert.equal(await sb.ok('gflow', 'log', '--last', '1', String(id)), 'end\n');
    assert.equal(await sb.ok('gflow', 'log', '--first', '1', String(id)), 'start\n');
  });

  it('explains why a job cannot be attached, and closes ended sessions', async () => {
    const held = await sb.submit('--hold', '--', 'true');
    const r = await sb.gflow('attach', String(held));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /has not started yet/);
    await sb.ok('gflow', 'cancel', String(held));
    const done = await sb.submit('--', 'true');
    const j = await sb.waitEnded(done);
    assert.equal((await sb.run('tmux', ['has-session', '-t', `=${j.session}:`])).code, 0, 'the session stays for inspection');
    assert.match(await sb.ok('gflow', 'close', '--all-finished'), new RegExp(`Closed \\d+ session\\(s\\):.*\\b${done}\\b`));
    assert.notEqual((await sb.run('tmux', ['has-session', '-t', `=${j.session}:`])).code, 0);
    const gone = await sb.gflow('attach', String(done));
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /session of job \d+ is gone/);
  });

  it('lists jobs as a table and as JSON', async () => {
    const id = await sb.submit('--name', 'tbl', '--hold', '--', 'true');
    const table = await sb.ok('gflow', 'queue');
    assert.match(table.split('\n')[0]!, /^JOBID\s+NAME\s+USER\s+ST\s+TIME\s+NODES\s+NODELIST\(REASON\)/);
    assert.match(table, new RegExp(`^${id}\\s+tbl\\s+\\S+\\s+H\\s`, 'm'));
    const json = JSON.parse(await sb.ok('gflow', 'queue', '-s', 'H', '--json')) as { id: number; state: string }[];
    assert.ok(json.some((j) => j.id === id && j.state === 'hold'));
    await sb.ok('gflow', 'cancel', String(id));
  });

  it('keeps no copy of the environment once a job ended, and redo runs with the caller\'s', async () => {
    const id = await sb.submit('--', 'bash', '-c', 'echo "[$GFLOW_SECRET]"');
    await sb.waitEnded(id);
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(path.join(sb.stateDir, 'gflow.db'), { readonly: true });
    try {
      assert.equal((db.prepare('SELECT env FROM jobs WHERE id = ?').get(id) as { env: string }).env, '{}');
    } finally {
      db.close();
    }
    assert.equal(fs.existsSync(path.join(sb.stateDir, 'jobs', String(id), 'spec.sh')), false);
    const again = JSON.parse((await sb.run('gflow', ['redo', '--json', String(id)], { env: { GFLOW_SECRET: 'from-redo' } })).stdout) as Job[];
    await sb.waitEnded(again[0]!.id);
    assert.equal(await sb.ok('gflow', 'log', String(again[0]!.id)), '[from-redo]\n');
  });
});
