// The API under bad input: every answer is a JSON error, the daemon keeps answering and the
// queue does not change.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Sandbox } from '../helpers/sandbox.js';

interface Res {
  status: number;
  body: string;
}

function request(port: number, method: string, p: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: p, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('API robustness', () => {
  let sb: Sandbox;
  let auth: Record<string, string>;
  before(async () => {
    sb = await Sandbox.create();
    await sb.up();
    auth = { authorization: `Bearer ${fs.readFileSync(path.join(sb.configDir, 'token'), 'utf8').trim()}` };
  });
  after(async () => {
    await sb.cleanup();
  });

  it('answers malformed requests with 4xx JSON errors and changes nothing', async () => {
    const valid = { cwd: '/', env: {}, user: 'u', command: ['true'] };
    const cases: [string, string, string | Buffer | undefined][] = [
      ['POST', '/v1/jobs', '{not json'],
      ['POST', '/v1/jobs', '[]'],
      ['POST', '/v1/jobs', 'null'],
      ['POST', '/v1/jobs', JSON.stringify({ ...valid, command: 'true' })],
      ['POST', '/v1/jobs', JSON.stringify({ ...valid, command: [] })],
      ['POST', '/v1/jobs', JSON.stringify({ ...valid, cpus: 1e300 })],
      ['POST', '/v1/jobs', JSON.stringify({ ...valid, cpus: 1.5 })],
      ['POST', '/v1/jobs', JSON.stringify({ ...valid, priority: '5' })],
      ['POST', '/v1/jobs', JSON.stringify({ ...valid, cwd: 'relative' })],
      ['POST', '/v1/jobs', JSON.stringify({ ...valid, env: { A: 1 } })],
      ['POST', '/v1/jobs', JSON.stringify({ ...valid, script: '/x' })],
      ['POST', '/v1/jobs', JSON.stringify({ ...valid, name: 'a\nb' })],
      ['POST', '/v1/jobs', JSON.stringify({ ...valid, timeLimitSec: 300, warnSignal: 'SIGUSR1', warnBeforeSec: 600 })],
      ['POST', '/v1/jobs', '['.repeat(100_000)],
      ['POST', '/v1/jobs', Buffer.alloc(5 * 1024 * 1024, 0x20)],
      ['POST', '/v1/jobs/-1/cancel', ''],
      ['POST', '/v1/jobs/1.5/cancel', ''],
      ['POST', '/v1/jobs/99999999999999999999/cancel', ''],
      ['POST', '/v1/jobs/424242/cancel', ''],
      ['POST', '/v1/jobs/1/explode', ''],
      ['GET', '/v1/jobs?states=zz', undefined],
      ['GET', '/v1/jobs?limit=-3', undefined],
      ['GET', '/v1/jobs/abc', undefined],
      ['GET', '/v1/resolve?user=u&back=0', undefined],
      ['DELETE', '/v1/jobs', undefined],
      ['PUT', '/health', undefined],
      ['GET', '/nope', undefined],
      ['POST', '/v1/close', '{"ids":[-1]}'],
      // Found by the fuzzing (fuzz.test.ts): a clean whose states are not a list, or that is not an object.
      ['POST', '/v1/clean', '{"states":5}'],
      ['POST', '/v1/clean', '{"states":{"a":1}}'],
      ['POST', '/v1/clean', '[]'],
      ['POST', '/v1/clean', '5'],
    ];
    const list = async (): Promise<string> => (await request(sb.port, 'GET', '/v1/jobs?all=1', undefined, auth)).body;
    const queue = await list();
    for (const [method, p, body] of cases) {
      let res: Res;
      try {
        res = await request(sb.port, method, p, body, { ...auth, 'content-type': 'application/json' });
      } catch (err) {
        // The daemon may answer 413 and close while a huge body is still being sent.
        assert.ok(Buffer.isBuffer(body) && ['ECONNRESET', 'EPIPE'].includes((err as NodeJS.ErrnoException).code ?? ''), String(err));
        continue;
      }
      assert.ok(res.status >= 400 && res.status < 500, `${method} ${p} → ${res.status} ${res.body.slice(0, 200)}`);
      const err = JSON.parse(res.body) as { code: string; message: string };
      assert.equal(typeof err.code, 'string');
      assert.ok(err.message.length > 0 && !err.message.includes('\n'), err.message);
    }
    const health = await request(sb.port, 'GET', '/health');
    assert.equal(health.status, 200);
    assert.equal(await list(), queue);
  });

  it('refuses a clean whose states are not a list, saying what to send', async () => {
    const res = await request(sb.port, 'POST', '/v1/clean', '{"states":5}', { ...auth, 'content-type': 'application/json' });
    assert.equal(res.status, 400);
    assert.deepEqual(JSON.parse(res.body), { code: 'bad_request', message: "invalid field 'states': expected an array of ended states", hint: 'use CD, F, CA, TO or their names' });
  });

  it('cuts off a client that never finishes its request, and keeps serving others', async () => {
    const slow = net.connect(sb.port, '127.0.0.1');
    await new Promise((r) => slow.once('connect', r));
    slow.write('POST /v1/jobs HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{"a":');
    const res = await request(sb.port, 'GET', '/health');
    assert.equal(res.status, 200);
    slow.destroy();
  });

  it('answers a retried submission with the same idempotency key only once', async () => {
    const body = JSON.stringify({ cwd: '/', env: {}, user: 'u', command: ['true'], hold: true });
    const headers = { ...auth, 'content-type': 'application/json', 'idempotency-key': 'retry-1' };
    const count = async (): Promise<number> => (JSON.parse((await request(sb.port, 'GET', '/v1/jobs?all=1', undefined, auth)).body) as { jobs: unknown[] }).jobs.length;
    const before = await count();
    const a = await request(sb.port, 'POST', '/v1/jobs', body, headers);
    const b = await request(sb.port, 'POST', '/v1/jobs', body, headers);
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.equal((JSON.parse(a.body) as { job: { id: number } }).job.id, (JSON.parse(b.body) as { job: { id: number } }).job.id);
    assert.equal(await count(), before + 1);
  });
});
