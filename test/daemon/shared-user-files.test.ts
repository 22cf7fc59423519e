// The shared daemon (root) and the files in its users' directories: a user who swaps their
// logs directory for a link to a root-only directory, or names a root-only file as a job's
// script, gets a refusal and nothing of the file; and, traced with strace, the daemon opens
// nothing below users/<uid>/ by a path (only name by name through /proc/self/fd).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readLogTail } from '../../src/notify/log-tail.js';
import type { Job } from '../../src/protocol/job.js';
import { Sandbox, testUsers, type TestUser } from '../helpers/sandbox.js';
import { HOW, installed, requires, requiresUsers } from '../helpers/requires.js';

const users = testUsers(['gflowa', 'gflowb']);

describe("shared daemon: files in users' directories", requiresUsers(users), () => {
  let sb: Sandbox;
  let b: TestUser;
  const usersDir = (): string => path.join(sb.env.GFLOW_SHARED_DIR!, 'users');
  before(async () => {
    b = users![1]!;
    sb = await Sandbox.shared(users!);
    await sb.up('--cpus', '2');
  });
  after(async () => {
    await sb?.cleanup();
  });

  // A request to the daemon from a socket the user owns: the kernel names the user.
  const request = async (u: TestUser, method: string, urlPath: string, body?: unknown): Promise<{ status: number; text: string }> => {
    const code = `const r = require('node:http').request({ host: '127.0.0.1', port: ${sb.port}, path: ${JSON.stringify(urlPath)}, method: ${JSON.stringify(method)}, headers: { 'content-type': 'application/json' } }, (res) => { let t = ''; res.setEncoding('latin1'); res.on('data', (c) => (t += c)); res.on('end', () => console.log(JSON.stringify({ status: res.statusCode, text: t }))); }); r.end(${JSON.stringify(body === undefined ? '' : JSON.stringify(body))});`;
    const r = await sb.as(u, ['-e', code], { program: process.execPath });
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as { status: number; text: string };
  };
  const finished = async (u: TestUser, ...command: string[]): Promise<Job> => {
    const r = await sb.as(u, ['submit', '--json', '--', ...command]);
    assert.equal(r.code, 0, r.stderr);
    const id = (JSON.parse(r.stdout) as Job).id;
    return sb.waitFor(id, (j) => j.state === 'finished');
  };
  // A root-only directory holding what a job's log or script would be.
  const rootOnly = (name: string, text: string): string => {
    const dir = path.join(sb.dir, `root-only-${name}`);
    fs.mkdirSync(dir, { mode: 0o700 });
    fs.writeFileSync(path.join(dir, name), text, { mode: 0o600 });
    return dir;
  };

  it("gives a user a refusal, not root's file, when their logs directory is a link (log API, e-mail tail)", async () => {
    const job = await finished(b, 'echo', 'mine');
    const logs = path.join(usersDir(), String(b.uid), 'logs');
    assert.match(readLogTail(path.join(logs, `${job.id}.log`), b.uid) ?? '', /mine/);
    const secret = rootOnly(`${job.id}.log`, 'ROOT-SECRET\n');
    const swap = await sb.as(b, ['-c', `mv ${logs} ${logs}.real && ln -s ${secret} ${logs}`], { program: '/bin/bash' });
    assert.equal(swap.code, 0, swap.stderr);
    try {
      for (const query of ['', '?tail=20', '?follow=1']) {
        const r = await request(b, 'GET', `/v1/jobs/${job.id}/log${query}`);
        assert.doesNotMatch(r.text, /ROOT-SECRET/);
        assert.equal(r.status, 403, r.text);
        assert.match(r.text, /not a plain file of its owner's/);
      }
      // The e-mail's "last lines of the log" as the daemon reads them.
      assert.equal(readLogTail(path.join(logs, `${job.id}.log`), b.uid), null);
    } finally {
      fs.rmSync(logs);
      fs.renameSync(`${logs}.real`, logs);
    }
    // The owner's own log, back in its place, is read again.
    assert.match((await request(b, 'GET', `/v1/jobs/${job.id}/log`)).text, /mine/);
  });

  it("refuses a hard link to another user's file in the logs directory", async () => {
    const a = users![0]!;
    const ja = await finished(a, 'echo', 'secret-of-a');
    const jb = await finished(b, 'echo', 'mine');
    const logsB = path.join(usersDir(), String(b.uid), 'logs');
    // As root (protected_hardlinks keeps users from linking files they cannot write).
    fs.rmSync(path.join(logsB, `${jb.id}.log`));
    fs.linkSync(path.join(usersDir(), String(a.uid), 'logs', `${ja.id}.log`), path.join(logsB, `${jb.id}.log`));
    const r = await request(b, 'GET', `/v1/jobs/${jb.id}/log`);
    assert.doesNotMatch(r.text, /secret-of-a/);
    assert.equal(r.status, 403, r.text);
  });

  it('refuses a script path from a user: the daemon never opens a path a user names', async () => {
    const secret = path.join(rootOnly('script', '#!ROOT-SECRET-INTERPRETER\n'), 'script');
    const before = (await sb.as(b, ['queue', '--json', '--all'])).stdout;
    for (const [url, body] of [
      ['/v1/jobs', { script: secret, cwd: b.home, env: {} }],
      ['/v1/jobs', { script: '/etc/shadow', cwd: b.home, env: {} }],
      ['/v1/jobs/batch', { base: { script: secret, cwd: b.home, env: {} }, tasks: [{}, {}] }],
    ] as const) {
      const r = await request(b, 'POST', url, body);
      assert.equal(r.status, 400, r.text);
      assert.match(r.text, /does not open files for its users/);
      assert.doesNotMatch(r.text, /ROOT-SECRET|root:/);
    }
    assert.equal((await sb.as(b, ['queue', '--json', '--all'])).stdout, before, 'no job was created');
    // `gflow submit <script>` reads it as the user: a file the user cannot read is their error.
    const r = await sb.as(b, ['submit', secret]);
    assert.notEqual(r.code, 0);
    assert.doesNotMatch(r.stdout + r.stderr, /ROOT-SECRET/);
  });

  it("does not list a root directory through a user's status link when it starts (job ids stay low)", async () => {
    const status = path.join(usersDir(), String(b.uid), 'status');
    const decoy = rootOnly('99999999', '0\n');
    const swap = await sb.as(b, ['-c', `mv ${status} ${status}.real && ln -s ${decoy} ${status}`], { program: '/bin/bash' });
    assert.equal(swap.code, 0, swap.stderr);
    try {
      process.kill(await sb.daemonPid(), 'SIGKILL');
      await sb.up('--cpus', '2');
      const id = await sb.submit('--', 'true');
      assert.ok(id < 1000, `job id ${id}: the ids were raised to a name in root's directory`);
    } finally {
      fs.rmSync(status);
      fs.renameSync(`${status}.real`, status);
    }
    // Its status directory back in place, the user's jobs end as before (after a restart: watched again).
    process.kill(await sb.daemonPid(), 'SIGKILL');
    await sb.up('--cpus', '2');
    await finished(b, 'true');
  });

  it('opens nothing below users/<uid>/ by a path while jobs run, end and are read (strace)', requires('strace', installed('strace'), HOW.systemDeps), async () => {
    const ready = await finished(b, 'true'); // the user's directories exist before the trace starts
    const trace = path.join(sb.dir, 'strace.out');
    const calls = 'open,openat,openat2,stat,lstat,newfstatat,statx,access,faccessat,faccessat2,readlink,readlinkat,inotify_add_watch,unlink,unlinkat,rename,renameat,renameat2,mkdir,mkdirat,chown,lchown,fchownat,chmod,fchmodat,execve';
    const strace = spawn('strace', ['-f', '-s', '4096', '-e', `trace=${calls}`, '-o', trace, '-p', String(await sb.daemonPid())], { stdio: ['ignore', 'ignore', 'pipe'] });
    // strace says on stderr when it has attached ("Process N attached").
    await new Promise<void>((resolve, reject) => {
      strace.stderr!.on('data', (d: Buffer) => /attached/.test(d.toString()) && resolve());
      strace.once('exit', (code) => reject(new Error(`strace exited ${code}`)));
    });
    try {
      const job = await finished(b, 'bash', '-c', 'echo traced');
      for (const q of ['', '?tail=5']) assert.match((await request(b, 'GET', `/v1/jobs/${job.id}/log${q}`)).text, /traced/);
      assert.equal((await request(b, 'POST', '/v1/jobs/' + ready.id + '/redo', {})).status, 201);
      await sb.as(b, ['clean']);
    } finally {
      strace.kill('SIGINT');
      await new Promise((r) => strace.once('exit', r));
    }
    const lines = fs.readFileSync(trace, 'utf8').split('\n');
    // Processes the daemon started (setpriv, tmux: they run as the user) are not root's.
    const started = new Set(lines.filter((l) => /^\d+ +execve\(/.test(l)).map((l) => l.split(' ')[0]));
    const below = new RegExp(`"${usersDir().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\d+/`);
    const bad = lines.filter((l) => below.test(l) && !started.has(l.split(' ')[0]));
    assert.ok(lines.some((l) => l.includes('spec.sh')), `the trace saw the daemon start the job:\n${lines.slice(0, 20).join('\n')}`);
    assert.deepEqual(bad, [], 'the root daemon used a path below a user-writable directory');
    assert.ok(lines.some((l) => l.includes('/proc/self/fd/')), 'it opened them name by name');
  });
});
