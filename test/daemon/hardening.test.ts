// Trying to break gflow: hostile names and commands, wrong arguments everywhere, a tmux
// server that dies under running jobs, planted symlinks, another user, a full disk.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pollUntil } from '../helpers/wait.js';
import { isAlive } from '../../src/executor/proc.js';
import type { Job } from '../../src/protocol/job.js';
import { ROOT, Sandbox, testUsers, useSandbox } from '../helpers/sandbox.js';
import { HOW, requiresNow, requiresUsers } from '../helpers/requires.js';

const NASTY = ['; touch pwned1', '$(touch pwned2)', '`touch pwned3`', "it's \"quoted\"", 'line1\nline2', '#{session_name} #(touch pwned4)', '-rf', '\\', '  spaced  ', '*', '~'];

describe('hostile input', () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s));

  const noPwned = (): void => {
    // find exits 1 when a directory vanishes under it (other test files remove their sandboxes
    // meanwhile): what it printed is the answer, not its status.
    const found = spawnSync('find', [sb.dir, '/tmp', '-maxdepth', '3', '-name', 'pwned*'], { encoding: 'utf8' }).stdout.trim();
    assert.equal(found, '', `something ran: ${found}`);
  };

  it('runs commands, names and directories with shell and tmux metacharacters exactly as given', async () => {
    const dir = path.join(sb.dir, 'd;$(touch pwned5) #{x} \'q\'');
    fs.mkdirSync(dir);
    for (const name of NASTY.filter((n) => !n.includes('\n'))) {
      const r = await sb.run('gflow', ['submit', '--json', '--name', name, '--', 'printf', '%s|', ...NASTY, '--', '$PWD'], { cwd: dir });
      assert.equal(r.code, 0, r.stderr);
      const job = JSON.parse(r.stdout) as Job;
      assert.equal(job.name, name);
      const done = await sb.waitEnded(job.id);
      assert.equal(done.state, 'finished', JSON.stringify(done));
      assert.match(done.session!, /^gjob-\d+(-[A-Za-z0-9_-]+)?$/);
      assert.equal(await sb.ok('gflow', 'log', '--raw', String(job.id)), `${[...NASTY, '--', '$PWD'].join('|').replace(/\n/g, '\r\n')}|`);
    }
    const pwd = await sb.run('gflow', ['submit', '--json', '--', 'pwd'], { cwd: dir });
    const done = await sb.waitEnded((JSON.parse(pwd.stdout) as Job).id);
    assert.equal(await sb.ok('gflow', 'log', String(done.id)), `${dir}\n`);
    noPwned();
  });

  it('substitutes hostile sweep values as plain text', async () => {
    const out = await sb.ok('gflow', 'submit', '--json', '--param', 'v=$(touch pwned6),`id`', '--name-template', 'x{v}', '--', 'printf', '%s', '{v}');
    const jobs = JSON.parse(out) as Job[];
    const logs = [];
    for (const j of jobs) {
      await sb.waitEnded(j.id);
      logs.push(await sb.ok('gflow', 'log', String(j.id)));
    }
    assert.deepEqual(logs, ['$(touch pwned6)', '`id`']);
    noPwned();
  });

  it('refuses names with control characters and over-long names, and changes nothing', async () => {
    const before0 = await sb.ok('gflow', 'queue', '-a', '--json');
    for (const name of ['a\nb', 'x'.repeat(201), 'bell\x07']) {
      const r = await sb.gflow('submit', '--name', name, '--', 'true');
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^gflow: --name: expected a/m);
    }
    assert.equal(await sb.ok('gflow', 'queue', '-a', '--json'), before0);
  });

  it('gives a usage error and exit code 2 for wrong arguments to every command', async () => {
    const cases: string[][] = [
      ['submit'], ['submit', '--cpus', '0', '--', 'true'], ['submit', '--priority', 'high', '--', 'true'], ['submit', '-t', '1h', '--', 'true'],
      ['submit', '--array', '5-1', '--', 'true'], ['submit', '--param', 'bad', '--', 'true'], ['submit', '--begin', 'later', '--', 'true'],
      ['submit', '--shared', '--', 'true'], ['submit', '--gpu-memory', 'lots', '--', 'true'], ['submit', 'definitely-not-a-command-xyz'],
      ['queue', '--limit', '0'], ['queue', '-s', 'nope'], ['queue', '-j', 'x'], ['queue', '--bogus'],
      ['queue', '--format', 'JOBID,BOGUS'], ['queue', '--format', '%.9Q'], ['queue', '-o', 'xml'], ['queue', '--sort', 'nope'], ['queue', '--since', 'later'],
      ['stats', '--since', 'later'], ['stats', '-u', 'a', '--all-users'], ['stats', '--json', '--csv'],
      ['show'], ['show', 'abc'], ['show', '1', 'x'], ['log'], ['log', '1', '--first', '0'], ['log', 'x'], ['attach'], ['attach', '@~0'],
      ['cancel'], ['cancel', '5-1'], ['hold', 'x'], ['release', ''], ['update', '1'], ['update', '1', '--time', 'x'], ['update'],
      ['redo'], ['redo', 'x'], ['why'], ['why', '0'], ['info', 'extra'], ['gpu', 'allow', 'x'], ['gpu', 'ignore', 'a', 'b'], ['gpu', 'frobnicate'],
      ['close'], ['close', '1', '--all-finished'], ['config', 'get', 'nope'], ['config', 'set', 'port', 'x'], ['config', 'set', 'cpus'], ['config', 'frob'],
      ['frobnicate'], ['--frobnicate'],
    ];
    for (const args of cases) {
      const r = await sb.gflow(...args);
      assert.equal(r.code, 2, `gflow ${args.join(' ')} → ${r.code}: ${r.stderr}${r.stdout}`);
      assert.ok(r.stderr.trim().length > 0, `gflow ${args.join(' ')} says nothing`);
    }
    for (const args of [['up', '--port', 'x'], ['up', '--cpus', '0'], ['up', '--gpus', 'x,y'], ['reload', '--timeout', '0'], ['frobnicate'], ['status', 'extra']]) {
      const r = await sb.gflowd(...args);
      assert.equal(r.code, 2, `gflowd ${args.join(' ')} → ${r.code}: ${r.stderr}`);
    }
  });

  it('does not follow a symlink planted where a job log will be written', async () => {
    const target = path.join(sb.dir, 'precious.txt');
    fs.writeFileSync(target, 'keep me\n');
    const next = (JSON.parse(await sb.ok('gflow', 'queue', '-a', '-n', '1', '--json')) as Job[])[0]!.id + 1;
    const logs = path.join(sb.stateDir, 'logs');
    fs.symlinkSync(target, path.join(logs, `${next}.log`));
    const id = await sb.submit('--', 'echo', 'job output');
    assert.equal(id, next);
    await sb.waitEnded(id);
    assert.equal(fs.readFileSync(target, 'utf8'), 'keep me\n');
    assert.ok(fs.lstatSync(path.join(logs, `${id}.log`)).isFile());
    assert.equal(await sb.ok('gflow', 'log', String(id)), 'job output\n');
  });
});

describe('faults', () => {
  it('keeps jobs running when the tmux server dies, records their real end, and keeps going', async () => {
    const sb = await Sandbox.create();
    try {
      sb.spawnDaemon(); // outside tmux, so that it survives the tmux server
      await pollUntil(async () => (await sb.gflow('queue')).code === 0, { timeout: 15_000 });
      const gate = path.join(sb.dir, 'gate-server');
      const id = await sb.submit('--', 'bash', '-c', `while [ ! -e ${gate} ]; do sleep 0.05; done; exit 3`);
      await sb.waitFor(id, (j) => j.state === 'running' && j.pid !== null);
      await sb.run('tmux', ['kill-server']);
      // A job is over only when no process of it is left: the next job runs on a new server
      // while this one goes on, and its end is its own.
      const next = await sb.submit('--', 'echo', 'new server');
      assert.equal((await sb.waitEnded(next)).state, 'finished');
      assert.equal(await sb.ok('gflow', 'log', String(next)), 'new server\n');
      assert.equal((await sb.job(id)).state, 'running');
      fs.writeFileSync(gate, '');
      const j = await sb.waitEnded(id);
      assert.deepEqual([j.state, j.exitCode, j.reason], ['failed', 3, 'exit code 3']);
    } finally {
      await sb.cleanup();
    }
  });

  it('keeps a job running whose wrapper was killed while its processes live on, and stops it on cancel', async () => {
    const sb = await Sandbox.create();
    try {
      await sb.up();
      const id = await sb.submit('--', 'bash', '-c', "trap '' HUP; exec sleep 3011");
      const job = await sb.waitFor(id, (j) => j.state === 'running' && j.pid !== null);
      process.kill(job.pid!, 'SIGKILL'); // the wrapper; the job ignores the hang-up that follows
      await pollUntil(() => !isAlive(job.pid!), { timeout: 5000 });
      await sb.ok('gflowd', 'restart'); // the new daemon looks at every running job
      const adopted = await sb.job(id);
      assert.equal(adopted.state, 'running', JSON.stringify(adopted));
      assert.ok(adopted.pid !== null && isAlive(adopted.pid) && adopted.pid !== job.pid);
      await sb.ok('gflow', 'cancel', String(id));
      const done = await sb.waitEnded(id);
      assert.deepEqual([done.state, done.endedBy], ['cancelled', 'soft']);
      assert.ok(!isAlive(adopted.pid));
    } finally {
      await sb.cleanup();
    }
  });

  it('refuses submissions on a full disk with a clear error, and recovers when space returns', async (t) => {
    const sb = await Sandbox.create();
    const data = path.join(sb.dir, 'data');
    fs.mkdirSync(data, { recursive: true });
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', data]).status === 0;
    if (!mounted) await sb.cleanup();
    if (!requiresNow(t, 'a small tmpfs mounted', mounted, HOW.tmpfs)) return;
    try {
      await sb.up();
      const kept = await sb.submit('--hold', '--', 'true');
      const filler = path.join(data, 'filler');
      spawnSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k', 'count=100000'], { stdio: 'ignore' });
      const full = await sb.gflow('submit', '--hold', '--', 'true');
      assert.equal(full.code, 1);
      assert.match(full.stderr, /disk is full|no space/i);
      assert.equal(full.stderr.trim().split('\n').length <= 2, true, full.stderr);
      fs.rmSync(filler);
      const again = await sb.submit('--hold', '--', 'true');
      assert.ok(again > kept);
      assert.equal((await sb.job(kept)).state, 'hold');
    } finally {
      await sb.cleanup().catch(() => {});
      spawnSync('umount', ['-l', data]);
      fs.rmSync(sb.dir, { recursive: true, force: true }); // the mount point kept it from going
    }
  });
});

const users = testUsers(['gflowtest']);

describe('other users', requiresUsers(users), () => {
  it('a process of another user cannot bind the daemon\'s port', async () => {
    const { uid, gid } = users![0]!;
    const sb = await Sandbox.create();
    try {
      await sb.up();
      const addon = path.join(ROOT, 'build', 'Release', 'reuseport.node');
      const code = `try { require(${JSON.stringify(addon)}).bindReusePort('127.0.0.1', ${sb.port}, 5); console.log('bound') } catch (e) { console.log(e.code) }`;
      const child = spawn(process.execPath, ['-e', code], { uid, gid, cwd: '/' });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      await new Promise((r) => child.once('exit', r));
      assert.equal(out.trim(), 'EADDRINUSE');
    } finally {
      await sb.cleanup();
    }
  });

  it("refuses another user's connection to a personal daemon, even with the owner's token", async () => {
    const { uid, gid } = users![0]!;
    const sb = await Sandbox.create();
    try {
      await sb.up();
      const token = fs.readFileSync(path.join(sb.configDir, 'token'), 'utf8').trim();
      const code = `require('node:http').get({ host: '127.0.0.1', port: ${sb.port}, path: '/v1/jobs', headers: { authorization: 'Bearer ${token}' } }, (res) => { let b = ''; res.on('data', (c) => (b += c)); res.on('end', () => console.log(res.statusCode, b)); }).on('error', (e) => console.log(e.code));`;
      const child = spawn(process.execPath, ['-e', code], { uid, gid, cwd: '/' });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      await new Promise((r) => child.once('exit', r));
      assert.match(out, /^403 .*"code":"forbidden".*this gflowd belongs to root/);
      // The owner is still served.
      await sb.ok('gflow', 'queue');
    } finally {
      await sb.cleanup();
    }
  });
});
