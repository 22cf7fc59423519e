// gflowd up / attach / status / down, with a real tmux server and real daemons.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pollUntil } from '../../helpers/wait.js';
import { isAlive } from '../../../src/executor/proc.js';
import { Sandbox, useSandbox } from '../../helpers/sandbox.js';

describe('gflowd lifecycle', () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s), null);

  it('starts in tmux, shows its banner to an attached user, reports status and stops', async () => {
    const pid = await sb.up();
    assert.equal(fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim(), 'gflowd');

    // A user attaches with tmux through a real terminal, sees the banner, detaches with Ctrl-b d.
    const { screen, exitCode } = await sb.attachServer((s) => s.includes(`pid ${pid}`) && s.includes('ready'));
    assert.equal(exitCode, 0);
    assert.match(screen, /gflowd \d+\.\d+\.\d+/);
    assert.match(screen, /detached/);

    const status = JSON.parse(await sb.ok('gflowd', 'status', '--json')) as Record<string, unknown>;
    assert.equal(status.running, true);
    assert.equal(status.pid, pid);
    assert.equal(status.port, sb.port);
    assert.equal(status.session, 'gflow_server');
    assert.equal(typeof status.version, 'string');
    assert.equal(typeof status.uptimeSec, 'number');

    // Up again: idempotent.
    const again = await sb.ok('gflowd', 'up');
    assert.match(again, /already running \(pid \d+/);
    assert.match(again, new RegExp(`pid ${pid}`));

    const down = await sb.ok('gflowd', 'down');
    assert.match(down, /stopped/);
    assert.equal(isAlive(pid), false);
    assert.equal((await sb.run('tmux', ['has-session', '-t', '=gflow_server'])).code !== 0, true);
    const st = await sb.gflowd('status', '--json');
    assert.equal(st.code, 1);
    assert.equal((JSON.parse(st.stdout) as { running: boolean }).running, false);
  });

  it('down when nothing runs says so', async () => {
    const r = await sb.gflowd('down');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /not running/);
  });

  it('down cleans a stale session without a daemon', async () => {
    await sb.run('tmux', ['new-session', '-d', '-s', 'gflow_server', 'sleep', '600']);
    const r = await sb.gflowd('down');
    assert.match(r.stdout, /stale/);
    assert.notEqual((await sb.run('tmux', ['has-session', '-t', '=gflow_server'])).code, 0);
  });

  it('the token file is 0600 in a 0700 directory, and the API refuses requests without it', async () => {
    await sb.up();
    const token = path.join(sb.configDir, 'token');
    assert.equal(fs.statSync(token).mode & 0o777, 0o600);
    assert.equal(fs.statSync(sb.configDir).mode & 0o777, 0o700);
    for (const auth of [undefined, 'Bearer wrong', 'Basic abc']) {
      const res = await get(sb.port, '/v1/jobs', auth);
      assert.equal(res.status, 401);
      const body = JSON.parse(res.body) as { code: string; message: string; hint: string };
      assert.equal(body.code, 'unauthorized');
      assert.ok(body.message && body.hint);
    }
    const health = JSON.parse((await get(sb.port, '/health')).body) as Record<string, unknown>;
    assert.deepEqual(Object.keys(health).sort(), ['mode', 'pid', 'protocol', 'scheduling', 'startedAt', 'status', 'version']);
    assert.equal(health.mode, 'personal');
    await sb.ok('gflowd', 'down');
  });

  it('refuses to start when a foreign process holds the port, and names it', async () => {
    const foreign = http.createServer((_q, s) => s.end('hello'));
    await new Promise<void>((r) => foreign.listen(sb.port, '127.0.0.1', r));
    try {
      const r = await sb.gflowd('up');
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`port ${sb.port} is held by .*node.*pid ${process.pid}`));
      assert.notEqual((await sb.run('tmux', ['has-session', '-t', '=gflow_server'])).code, 0);
    } finally {
      await new Promise<void>((r) => foreign.close(() => r()));
    }
  });

  it('reports a daemon that dies during start-up with its last lines, leaving no session', async () => {
    fs.mkdirSync(sb.stateDir, { recursive: true });
    const db = path.join(sb.stateDir, 'gflow.db');
    fs.writeFileSync(db, 'this is somebody else\'s file, not a database'.repeat(100));
    const r = await sb.gflowd('up');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /not a gflow database|cannot open database/);
    assert.match(r.stderr, /exited during start-up/);
    assert.notEqual((await sb.run('tmux', ['has-session', '-t', '=gflow_server'])).code, 0);
    // The foreign file is left exactly as it was.
    assert.match(fs.readFileSync(db, 'utf8'), /^this is somebody else's file/);
    fs.rmSync(db);
  });

  it('down finds a daemon outside tmux that stopped answering, by name and state directory', async () => {
    const other = await Sandbox.create();
    const bystander = await Sandbox.create();
    try {
      const hung = other.spawnDaemon();
      const alive = bystander.spawnDaemon();
      await pollUntil(async () => (await other.gflow('queue')).code === 0 && (await bystander.gflow('queue')).code === 0, { timeout: 15_000 });
      process.kill(hung.pid!, 'SIGSTOP'); // it no longer answers
      const r = await other.gflowd('down');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`SIGKILL[\\s\\S]*stopped \\(pid ${hung.pid}\\)`));
      assert.equal(isAlive(hung.pid!), false);
      assert.ok(isAlive(alive.pid!), 'the daemon of another state directory is left alone');
    } finally {
      await other.cleanup();
      await bystander.cleanup();
    }
  });

  it('the listening socket is not inherited by tmux or jobs: the port is free once the daemon exits', async () => {
    // A fresh tmux server, started by the daemon itself when it launches the first job.
    const other = await Sandbox.create();
    try {
      const daemon = other.spawnDaemon();
      await pollUntil(async () => (await get(other.port, '/health').catch(() => ({ status: 0 }))).status === 200, { timeout: 15_000 });
      const id = await other.submit('--', 'sleep', '30');
      await other.waitFor(id, (j) => j.state === 'running' && j.pid !== null);
      daemon.kill('SIGTERM');
      await new Promise((r) => daemon.once('exit', r));
      // Only a listener that nobody holds any more can be bound again without SO_REUSEPORT.
      const probe = net.createServer();
      const bound = new Promise<void>((resolve, reject) => {
        probe.once('error', reject);
        probe.listen(other.port, '127.0.0.1', () => resolve());
      });
      await assert.doesNotReject(bound, `port ${other.port} is still held after the daemon exited`);
      await new Promise<void>((r) => probe.close(() => r()));
    } finally {
      await other.cleanup();
    }
  });
});

function get(port: number, p: string, auth?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: p, headers: auth ? { authorization: auth } : {} }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}
