// restart and reload keep the running daemon's --port, --cpus and --gpus unless new ones are
// given, and change nothing when they cannot read them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DaemonInfo, InfoResponse } from '../../../src/protocol/api.js';
import { isAlive } from '../../../src/executor/proc.js';
import { freePort, Sandbox } from '../../helpers/sandbox.js';

function get<T>(port: number, p: string, token: string): Promise<T> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: p, agent: false, headers: { authorization: `Bearer ${token}` } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(JSON.parse(body) as T));
      })
      .on('error', reject);
  });
}

describe('options carried over by restart and reload', () => {
  let sb: Sandbox;
  let otherPort: number;
  const token = (): string => fs.readFileSync(path.join(sb.configDir, 'token'), 'utf8').trim();
  const daemonInfo = (port = otherPort): Promise<DaemonInfo> => get<DaemonInfo>(port, '/v1/daemon', token());
  before(async () => {
    sb = await Sandbox.create();
    otherPort = await freePort();
    // Started on a port other than the shell's GFLOW_PORT: only the daemon knows it.
    await sb.up('--port', String(otherPort), '--cpus', '3', '--gpus', '0');
  });
  after(async () => {
    await sb.cleanup();
  });

  it('restart keeps --port, --cpus and --gpus', async () => {
    const before0 = await daemonInfo();
    const r = await sb.gflowd('restart');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`gflowd is running \\(pid \\d+, port ${otherPort}\\)`));
    const after0 = await daemonInfo();
    assert.notEqual(after0.pid, before0.pid);
    assert.deepEqual(after0.flags, { port: otherPort, cpus: 3, gpus: '0' });
    const info = JSON.parse((await sb.run('gflow', ['info', '--json'], { env: { GFLOW_PORT: String(otherPort) } })).stdout) as InfoResponse;
    assert.equal(info.cpus.total, 3);
  });

  it('restart takes new options where given and keeps the others', async () => {
    await sb.ok('gflowd', 'restart', '--cpus', '2');
    assert.deepEqual((await daemonInfo()).flags, { port: otherPort, cpus: 2, gpus: '0' });
  });

  it('reload keeps them too', async () => {
    const { newPid } = JSON.parse(await sb.ok('gflowd', 'reload', '--json')) as { newPid: number };
    const info = await daemonInfo();
    assert.equal(info.pid, newPid);
    assert.deepEqual(info.flags, { port: otherPort, cpus: 2, gpus: '0' });
  });

  it('reload and restart refuse, changing nothing, when the daemon cannot say its options', async () => {
    const tokenFile = path.join(sb.configDir, 'token');
    const pid = (await daemonInfo()).pid;
    // The CLI now holds a token the running daemon does not accept: GET /v1/daemon fails.
    fs.writeFileSync(tokenFile, `${'c'.repeat(64)}\n`);
    for (const cmd of ['reload', 'restart']) {
      const r = await sb.gflowd(cmd);
      assert.equal(r.code, 1, cmd);
      assert.match(r.stderr, new RegExp(`^gflowd: cannot read the running daemon's options \\(pid ${pid}, port ${otherPort}\\): wrong API token; nothing was changed\\n  hint: give them all on the command line: gflowd ${cmd} --port ${otherPort}`));
      assert.ok(isAlive(pid), cmd);
      const sessions = (await sb.run('tmux', ['list-sessions', '-F', '#{session_name}'])).stdout.split('\n').filter(Boolean);
      assert.deepEqual(sessions, ['gflow_server']);
    }
    // With every option on the command line it need not ask.
    const { newPid, oldPid } = JSON.parse(await sb.ok('gflowd', 'reload', '--json', '--port', String(otherPort), '--cpus', '1', '--gpus', 'all')) as { newPid: number; oldPid: number };
    assert.equal(oldPid, pid);
    const info = await daemonInfo();
    assert.equal(info.pid, newPid);
    assert.deepEqual(info.flags, { port: otherPort, cpus: 1, gpus: 'all' });
  });
});
