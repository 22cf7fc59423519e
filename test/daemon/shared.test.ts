// The machine's shared daemon (root) with two real local users: each job runs as its owner in
// the owner's own tmux server; nobody can act on, read or attach to another's job; the
// kernel, not the request, says who calls; running jobs survive a reload and a kill -9.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pty from 'node-pty';
import { pollUntil } from '../helpers/wait.js';
import { spawn } from 'node:child_process';
import { MAX_CONNECTIONS_PER_PEER } from '../../src/daemon/peer-limits.js';
import type { Job } from '../../src/protocol/job.js';
import { FakeNvidiaSmi } from '../helpers/fake-nvidia-smi.js';
import { BIN, Sandbox, testUsers, type TestUser } from '../helpers/sandbox.js';
import { requiresUsers } from '../helpers/requires.js';

const users = testUsers(['gflowa', 'gflowb']);

describe('shared daemon: several users', requiresUsers(users), () => {
  let sb: Sandbox;
  let a: TestUser;
  let b: TestUser;
  before(async () => {
    [a, b] = users as [TestUser, TestUser];
    sb = await Sandbox.shared(users!);
    const smi = new FakeNvidiaSmi(path.join(sb.dir, 'nvidia'), [{ index: 0 }]);
    sb.env.PATH = `${smi.binDir}:${sb.env.PATH ?? ''}`;
    await sb.up('--cpus', '4');
  });
  after(async () => {
    await sb?.cleanup();
  });

  const gflow = async (u: TestUser, ...args: string[]): Promise<string> => {
    const r = await sb.as(u, args);
    if (r.code !== 0) throw new Error(`gflow ${args.join(' ')} as ${u.name} exited ${r.code}\n${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  const submit = async (u: TestUser, ...args: string[]): Promise<Job> => JSON.parse(await gflow(u, 'submit', '--json', ...args)) as Job;
  const show = async (id: number): Promise<Job> => JSON.parse(await sb.ok('gflow', 'show', String(id), '--json')) as Job;
  const until = async (id: number, pred: (j: Job) => boolean): Promise<Job> => {
    let last: Job | undefined;
    try {
      await pollUntil(async () => pred((last = await show(id))), { interval: 50, timeout: 20_000 });
    } catch {
      const log = fs.readFileSync(path.join(sb.env.GFLOW_SHARED_DIR!, 'gflowd.log'), 'utf8').split('\n').slice(-12).join('\n');
      assert.fail(`job ${id} did not get there: ${JSON.stringify(last)}\n${log}`);
    }
    return last!;
  };
  const gate = (u: TestUser): string => path.join(u.home, 'gate');

  it('runs each job as its owner, with their HOME and directory, and finds the daemon without setup', async () => {
    const status = await sb.as(a, ['status', '--json'], { program: BIN.gflowd });
    assert.match(status.stdout, /"running":true,"mode":"shared"/, status.stderr);
    const jobs = [];
    for (const u of [a, b]) {
      fs.rmSync(gate(u), { force: true });
      jobs.push(await submit(u, '--', 'bash', '-c', `echo "$(id -u) $(id -un) $HOME $PWD"; while [ ! -e ${gate(u)} ]; do sleep 0.05; done`));
    }
    for (const [i, u] of [a, b].entries()) {
      const j = await until(jobs[i]!.id, (x) => x.state === 'running');
      assert.deepEqual([j.user, j.uid], [u.name, u.uid]);
    }
    for (const u of [a, b]) fs.writeFileSync(gate(u), '');
    for (const [i, u] of [a, b].entries()) {
      const j = await until(jobs[i]!.id, (x) => x.state === 'finished');
      assert.equal(await gflow(u, 'log', String(j.id)), `${u.uid} ${u.name} ${u.home} ${u.home}\n`);
    }
  });

  it("keeps users off each other's jobs: no cancel, no log, no attach; root can cancel both", async () => {
    fs.rmSync(gate(a), { force: true });
    const ja = await submit(a, '--', 'bash', '-c', `echo secret-of-a; while [ ! -e ${gate(a)} ]; do sleep 0.05; done`);
    const jb = await submit(b, '--', 'sleep', '300');
    await until(ja.id, (x) => x.state === 'running');
    await until(jb.id, (x) => x.state === 'running');

    const cancel = await sb.as(b, ['cancel', String(ja.id)]);
    assert.equal(cancel.code, 1);
    assert.match(cancel.stderr, new RegExp(`job ${ja.id} belongs to gflowa`));
    const log = await sb.as(b, ['log', String(ja.id)]);
    assert.notEqual(log.code, 0);
    assert.doesNotMatch(log.stdout, /secret-of-a/);
    const attach = await sb.as(b, ['attach', String(ja.id)]);
    assert.equal(attach.code, 1);
    assert.match(attach.stderr, new RegExp(`job ${ja.id} belongs to gflowa; it runs in their own tmux server`));
    // Not even with tmux itself: the session is in gflowa's server, which gflowb cannot open.
    const socket = path.join(sb.userTmuxDir, `tmux-${a.uid}`, sb.socket);
    assert.ok(fs.statSync(socket).isSocket());
    const tmux = await sb.as(b, ['-S', socket, 'attach', '-t', `=gjob-${ja.id}`], { program: 'tmux' });
    assert.notEqual(tmux.code, 0);
    assert.match(tmux.stderr, /Permission denied|error connecting/);
    assert.equal((await show(ja.id)).state, 'running');

    // The owner attaches through a real terminal, sees the job, and detaches.
    const term = pty.spawn(process.execPath, [BIN.gflow, 'attach', String(ja.id)], { cols: 120, rows: 30, cwd: a.home, env: { ...(sb.userEnv(a) as Record<string, string>), TERM: 'xterm-256color' }, uid: a.uid, gid: a.gid });
    let screen = '';
    term.onData((d) => (screen += d));
    const exited = new Promise<number>((r) => term.onExit(({ exitCode }) => r(exitCode)));
    try {
      await pollUntil(() => screen.includes('secret-of-a'), { timeout: 10_000 });
    } finally {
      term.write('\x02d');
    }
    assert.equal(await exited, 0);

    await sb.ok('gflow', 'cancel', `${ja.id},${jb.id}`);
    for (const id of [ja.id, jb.id]) assert.equal((await until(id, (x) => x.state !== 'running')).state, 'cancelled');
  });

  it('takes the caller from the kernel, not from what the request says', async () => {
    const port = Number(sb.env.GFLOW_PORT);
    const body = JSON.stringify({ command: ['true'], cwd: a.home, env: {}, user: b.name });
    const code = `const r = require('node:http').request({ host: '127.0.0.1', port: ${port}, path: '/v1/jobs', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => { let t = ''; res.on('data', (c) => (t += c)); res.on('end', () => console.log(t)); }); r.end(${JSON.stringify(body)});`;
    const r = await sb.as(a, ['-e', code], { program: process.execPath });
    const job = (JSON.parse(r.stdout) as { job: Job }).job;
    assert.deepEqual([job.user, job.uid], [a.name, a.uid]);
    void http;
  });

  it("adopts every user's running jobs after a reload and after kill -9, each still under its owner", async () => {
    const ids: number[] = [];
    for (const u of [a, b]) {
      fs.rmSync(gate(u), { force: true });
      ids.push((await submit(u, '--', 'bash', '-c', `while [ ! -e ${gate(u)} ]; do sleep 0.05; done; id -u`)).id);
    }
    const before = await Promise.all(ids.map((id) => until(id, (x) => x.state === 'running')));
    await sb.ok('gflowd', 'reload');
    process.kill(await sb.daemonPid(), 'SIGKILL');
    await sb.up('--cpus', '4');
    for (const [i, j] of before.entries()) {
      const now = await show(j.id);
      assert.deepEqual([now.state, now.pid, now.uid], ['running', j.pid, [a, b][i]!.uid]);
    }
    for (const u of [a, b]) fs.writeFileSync(gate(u), '');
    for (const [i, u] of [a, b].entries()) {
      await until(ids[i]!, (x) => x.state === 'finished');
      assert.equal(await gflow(u, 'log', String(ids[i])), `${u.uid}\n`);
    }
  });

  it("caps one user's open connections, and the others' requests go on", async () => {
    // gflowa opens twice the cap of idle connections and holds them; the ones past the cap
    // are answered 429 at once, while root and gflowb keep working.
    const opener = `
      const net = require('node:net');
      const socks = []; let refused = 0;
      for (let i = 0; i < ${2 * MAX_CONNECTIONS_PER_PEER}; i++) {
        const s = net.connect(${sb.port}, '127.0.0.1');
        s.on('data', (d) => { if (/^HTTP\\/1.1 429 /.test(d.toString())) refused++; if (refused === ${MAX_CONNECTIONS_PER_PEER}) console.log('capped'); });
        s.on('error', () => {});
        socks.push(s);
      }
      process.stdin.on('data', () => process.exit(0));`;
    const child = sb.track(spawn(process.execPath, ['-e', opener], { uid: a.uid, gid: a.gid, env: sb.userEnv(a), cwd: a.home }));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => /capped/.test(d.toString()) && resolve());
      child.on('exit', (code) => reject(new Error(`the opener exited ${code}`)));
    });
    assert.match(await sb.ok('gflow', 'queue'), /JOBID|No jobs/);
    assert.match(await gflow(b, 'queue'), /JOBID|No jobs/);
    // gflowa's own next request is refused, with what to do.
    const r = await sb.as(a, ['queue']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /already holds \d+ connections to gflowd[^]*hint: close some/);
    child.stdin!.write('done');
    await new Promise((resolve) => child.once('exit', resolve));
    await pollUntil(async () => (await sb.as(a, ['queue'])).code === 0, { interval: 50, timeout: 10_000 });
  });

  it('gives a free GPU to the user who used less, among jobs of equal priority (fair share)', async () => {
    // gflowa has used the GPU; gflowb has not.
    const used = await submit(a, '-g', '1', '--', 'sleep', '1');
    await until(used.id, (x) => x.state === 'finished');
    // Root holds the GPU while both wait, gflowa's job first in submission order.
    const hold = path.join(sb.dir, 'gate-fair');
    const root = JSON.parse(await sb.ok('gflow', 'submit', '--json', '-g', '1', '--', 'bash', '-c', `while [ ! -e ${hold} ]; do sleep 0.05; done`)) as Job;
    await until(root.id, (x) => x.state === 'running');
    fs.rmSync(gate(b), { force: true });
    const ja = await submit(a, '-g', '1', '--', 'true');
    const jb = await submit(b, '-g', '1', '--', 'bash', '-c', `while [ ! -e ${gate(b)} ]; do sleep 0.05; done`);
    assert.ok(ja.id < jb.id);
    const why = await gflow(a, 'why', String(ja.id));
    assert.match(why, /fair share|usage/i, why);
    fs.writeFileSync(hold, '');
    await until(jb.id, (x) => x.state === 'running');
    assert.equal((await show(ja.id)).state, 'queued', "gflowa's job waits: gflowa used more");
    fs.writeFileSync(gate(b), '');
    assert.equal((await until(ja.id, (x) => x.state === 'finished')).state, 'finished');
  });
});
