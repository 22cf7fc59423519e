// The CLI checks the protocol version the daemon states on every answer.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PROTOCOL_VERSION } from '../../src/protocol/version.js';
import { Sandbox } from '../helpers/sandbox.js';

describe('protocol version check', () => {
  let sb: Sandbox;
  let server: http.Server;
  // What the fake daemon answers next: status, headers, body.
  let answer: { status: number; headers: Record<string, string>; body: string };
  before(async () => {
    sb = await Sandbox.create();
    fs.mkdirSync(sb.configDir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(sb.configDir, 'token'), `${'a'.repeat(64)}\n`, { mode: 0o600 });
    server = http.createServer((_req, res) => {
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body);
    });
    await new Promise<void>((r) => server.listen(sb.port, '127.0.0.1', r));
  });
  after(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    server.closeAllConnections();
    await sb.cleanup();
  });

  const ok = (headers: Record<string, string>) => ({ status: 200, headers, body: JSON.stringify({ jobs: [] }) });

  it('accepts an answer in its own protocol', async () => {
    answer = ok({ 'x-gflow-protocol': String(PROTOCOL_VERSION) });
    const r = await sb.gflow('queue');
    assert.equal(r.code, 0, r.stderr);
  });

  it('an answer without the header comes from an older daemon: reload it', async () => {
    for (const a of [ok({}), { status: 401, headers: {}, body: JSON.stringify({ code: 'unauthorized', message: 'wrong API token' }) }]) {
      answer = a;
      const r = await sb.gflow('queue');
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`^gflow: gflowd on port ${sb.port} speaks protocol from before version headers and this gflow speaks ${PROTOCOL_VERSION}\\n  hint: .*\`gflowd reload\``));
    }
  });

  it('an older number means reload the daemon, a newer one means upgrade the CLI', async () => {
    answer = ok({ 'x-gflow-protocol': String(PROTOCOL_VERSION - 1) });
    let r = await sb.gflow('queue');
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`speaks protocol ${PROTOCOL_VERSION - 1} and this gflow speaks ${PROTOCOL_VERSION}\\n  hint: .*gflowd reload`));
    answer = { status: 404, headers: { 'x-gflow-protocol': String(PROTOCOL_VERSION + 1) }, body: JSON.stringify({ code: 'not_found', message: 'no such job' }) };
    r = await sb.gflow('show', '3');
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`speaks protocol ${PROTOCOL_VERSION + 1} and this gflow speaks ${PROTOCOL_VERSION}\\n  hint: this gflow is older than the daemon: upgrade it`));
  });

  it('another program on the port is not taken for an old daemon', async () => {
    answer = { status: 404, headers: { 'content-type': 'text/html' }, body: '<h1>not here</h1>' };
    const r = await sb.gflow('queue');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unexpected answer 404/);
  });
});

describe('the daemon states its protocol', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await Sandbox.create();
    await sb.up();
  });
  after(async () => {
    await sb.cleanup();
  });

  it('on answers and on errors', async () => {
    for (const p of ['/health', '/v1/jobs']) {
      const headers = await new Promise<http.IncomingHttpHeaders>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port: sb.port, path: p, agent: false }, (res) => {
          res.resume();
          resolve(res.headers);
        }).on('error', reject);
      });
      assert.equal(headers['x-gflow-protocol'], String(PROTOCOL_VERSION), p);
    }
  });
});
