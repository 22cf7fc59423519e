// gflowd reload: a hand-over from the old daemon to a new one, under real conditions.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isAlive } from '../../../src/executor/proc.js';
import type { Job } from '../../../src/protocol/job.js';
import { Sandbox } from '../../helpers/sandbox.js';

/** Lines of the run log that every test job appends its GFLOW_JOB_ID to. */
function runsOf(file: string): number[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number) : [];
}

describe('gflowd reload', () => {
  let sb: Sandbox;
  let runs: string;
  before(async () => {
    sb = await Sandbox.create();
    runs = path.join(sb.dir, 'runs.txt');
    await sb.up('--cpus', '1');
  });
  after(async () => {
    await sb.cleanup();
  });

  const recorded = (then = 'exit 0'): string[] => ['--', 'bash', '-c', `echo $GFLOW_JOB_ID >> ${runs}; ${then}`];

  it('leaves a running job alone and starts the queued ones once, after the reload', async () => {
    const running = await sb.submit(...recorded('while [ ! -e go-1 ]; do sleep 0.05; done; exit 6'));
    const before = await sb.waitFor(running, (j) => j.state === 'running' && j.pid !== null);
    const queued = [await sb.submit(...recorded()), await sb.submit(...recorded()), await sb.submit(...recorded())];
    const oldPid = await sb.daemonPid();
    const summary = JSON.parse(await sb.ok('gflowd', 'reload', '--json')) as { oldPid: number; newPid: number };
    assert.equal(summary.oldPid, oldPid);
    assert.notEqual(summary.newPid, oldPid);
    assert.equal(isAlive(oldPid), false);
    assert.equal(await sb.daemonPid(), summary.newPid);

    const during = await sb.job(running);
    assert.equal(during.state, 'running');
    assert.equal(during.pid, before.pid);
    assert.equal(during.session, before.session);
    for (const id of queued) assert.equal((await sb.job(id)).state, 'queued');

    fs.writeFileSync(path.join(sb.dir, 'go-1'), '');
    const end = await sb.waitEnded(running);
    assert.equal(end.state, 'failed');
    assert.equal(end.exitCode, 6);
    for (const id of queued) assert.equal((await sb.waitEnded(id)).state, 'finished');
    const seen = runsOf(runs);
    for (const id of [running, ...queued]) assert.equal(seen.filter((x) => x === id).length, 1, `job ${id} ran ${seen.filter((x) => x === id).length} times`);
  });

  it('records the exit code of a job that ends during the hand-over', async () => {
    const id = await sb.submit('--', 'bash', '-c', 'while [ ! -e go-2 ]; do sleep 0.01; done; exit 9');
    await sb.waitFor(id, (j) => j.state === 'running' && j.pid !== null);
    const reloading = sb.gflowd('reload');
    fs.writeFileSync(path.join(sb.dir, 'go-2'), '');
    assert.equal((await reloading).code, 0);
    const j = await sb.waitEnded(id);
    assert.equal(j.state, 'failed');
    assert.equal(j.exitCode, 9);
  });

  it('serves clients through 10 reloads in a row: no failed command, no lost or doubled job', async () => {
    const acknowledged: number[] = [];
    const failures: string[] = [];
    let reloading = true;
    const client = async (): Promise<void> => {
      while (reloading) {
        const r = await sb.gflow('submit', ...recorded().slice(0));
        if (r.code !== 0) failures.push(`submit: ${r.stderr}`);
        else acknowledged.push(Number(/job (\d+)/.exec(r.stdout)![1]));
        const q = await sb.gflow('queue', '-a', '-n', '5');
        if (q.code !== 0) failures.push(`queue: ${q.stderr}`);
      }
    };
    const clients = [client(), client(), client()];
    for (let i = 0; i < 10; i++) {
      const r = await sb.gflowd('reload');
      assert.equal(r.code, 0, `reload ${i}: ${r.stderr}`);
    }
    reloading = false;
    await Promise.all(clients);
    assert.deepEqual(failures, []);
    assert.ok(acknowledged.length >= 10, `only ${acknowledged.length} submissions`);
    assert.equal(new Set(acknowledged).size, acknowledged.length, 'an id was issued twice');
    const jobs = JSON.parse(await sb.ok('gflow', 'queue', '-a', '--json')) as Job[];
    for (const id of acknowledged) assert.equal(jobs.filter((j) => j.id === id).length, 1, `job ${id}`);
    for (const id of acknowledged) await sb.waitEnded(id);
    const seen = runsOf(runs);
    assert.equal(seen.length, new Set(seen).size, 'a job started twice');
    for (const id of acknowledged) assert.ok(seen.includes(id), `job ${id} never ran`);

    const sessions = (await sb.run('tmux', ['list-sessions', '-F', '#{session_name}'])).stdout.split('\n').filter((s) => s.startsWith('gflow_server'));
    assert.deepEqual(sessions, ['gflow_server']);
    const daemons = sb.processes().filter((pid) => fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'gflowd');
    assert.deepEqual(daemons, [await sb.daemonPid()]);
  });

  it('loses no raw HTTP request, even without retries, while it reloads', async () => {
    const token = fs.readFileSync(path.join(sb.configDir, 'token'), 'utf8').trim();
    let running = true;
    const failures: string[] = [];
    let ok = 0;
    const loop = async (): Promise<void> => {
      while (running) {
        const r = await new Promise<string | null>((resolve) => {
          const req = http.get({ host: '127.0.0.1', port: sb.port, path: '/v1/jobs?limit=1', agent: false, headers: { authorization: `Bearer ${token}` } }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode === 200 ? null : `status ${res.statusCode}`));
          });
          req.on('error', (err) => resolve(err.message));
        });
        if (r) failures.push(r);
        else ok++;
      }
    };
    const loops = [loop(), loop(), loop(), loop()];
    for (let i = 0; i < 3; i++) assert.equal((await sb.gflowd('reload')).code, 0);
    running = false;
    await Promise.all(loops);
    assert.deepEqual(failures, []);
    assert.ok(ok > 0);
  });

  it('rolls back when the new daemon cannot start, leaving the old one serving', async () => {
    const oldPid = await sb.daemonPid();
    const token = path.join(sb.configDir, 'token');
    const saved = fs.readFileSync(token);
    fs.rmSync(token);
    fs.mkdirSync(token); // a token that is a directory: the new daemon cannot start
    try {
      // The CLI cannot read the token either: with every option given it need not ask the old daemon.
      const r = await sb.gflowd('reload', '--port', String(sb.port), '--cpus', '1', '--gpus', 'all');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /cannot create the API token/);
      assert.match(r.stderr, new RegExp(`old daemon ${oldPid} keeps running`));
    } finally {
      fs.rmdirSync(token);
      fs.writeFileSync(token, saved, { mode: 0o600 });
    }
    assert.equal(await sb.daemonPid(), oldPid);
    const sessions = (await sb.run('tmux', ['list-sessions', '-F', '#{session_name}'])).stdout.split('\n').filter((s) => s.startsWith('gflow_server'));
    assert.deepEqual(sessions, ['gflow_server']);
    const id = await sb.submit('--', 'true');
    assert.equal((await sb.waitEnded(id)).state, 'finished');
  });

  it('refuses a second reload while one is in progress', async () => {
    const holder = spawn('sleep', ['30']);
    try {
      fs.writeFileSync(path.join(sb.stateDir, 'control.lock'), String(holder.pid));
      const r = await sb.gflowd('reload');
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`a reload or start of gflowd is already in progress \\(pid ${holder.pid}\\)`));
    } finally {
      holder.kill('SIGKILL');
    }
    // A lock left by a dead process does not block the next reload.
    await new Promise((r) => holder.once('exit', r));
    assert.equal((await sb.gflowd('reload')).code, 0);
  });

  it('shows the new daemon to a user who attaches after the reload', async () => {
    const { newPid } = JSON.parse(await sb.ok('gflowd', 'reload', '--json')) as { newPid: number };
    const { screen } = await sb.attachServer((s) => s.includes(`pid ${newPid}`));
    assert.match(screen, new RegExp(`gflowd \\S+ . personal . pid ${newPid}`));
  });
});
