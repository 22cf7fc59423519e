// Thousands of malformed requests: every answer is a JSON error, the daemon keeps answering,
// and the database does not change.
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

function send(port: number, method: string, p: string, headers: Record<string, string>, body?: string | Buffer): Promise<Res | Error> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: p, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', (err) => resolve(err));
    req.end(body);
  });
}

// A small deterministic random source, so a failure can be replayed.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const VALID = { cwd: '/tmp', env: { PATH: '/usr/bin:/bin' }, user: 'fuzz', command: ['true'], hold: true };
// Each entry makes a valid submission invalid.
const BAD_FIELDS: [string, unknown[]][] = [
  ['cwd', [123, 'relative', '', null, ['x'], '/a\u0000b']],
  ['env', ['x', [1], { A: 1 }, null, { A: { b: 1 } }]],
  ['user', [5, null, {}, 'x'.repeat(300)]],
  ['command', ['true', [], [1], [''], {}, null, [null]]],
  ['priority', ['5', 1.5, 1e20, -1e20, Number.NaN, true]],
  ['cpus', [0, -1, 1.5, '2', 1e9, null]],
  ['timeLimitSec', [0, -5, 'x', 1e12]],
  ['hold', ['yes', 1, null]],
  ['gpus', [-1, 100, 'x', 0.5]],
  ['shared', ['x', 1]],
  ['dependsOn', ['1', [0], [-1], [1.5], [99_999_999], 5]],
  ['dependsMode', ['some', 1]],
  ['name', [5, 'a\nb', 'x'.repeat(300), {}]],
  ['maxRetries', [-1, 101, 'x']],
  ['beginAt', ['soon', -5, 1e300]],
];

describe('fuzzing the API', () => {
  let sb: Sandbox;
  let token: string;
  let before0: string;
  before(async () => {
    sb = await Sandbox.create();
    await sb.up();
    token = fs.readFileSync(path.join(sb.configDir, 'token'), 'utf8').trim();
    await sb.submit('--hold', '--name', 'witness', '--', 'true');
    before0 = await sb.ok('gflow', 'queue', '-a', '--json');
  });
  after(async () => {
    await sb.cleanup();
  });

  it('answers thousands of malformed requests with JSON errors and changes nothing', async () => {
    const rand = rng(Number(process.env.GFLOW_FUZZ_SEED ?? 42));
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const auth = { authorization: `Bearer ${token}` };
    const badAuth: Record<string, string>[] = [{}, { authorization: 'Bearer' }, { authorization: `Bearer ${token}x` }, { authorization: `bearer ${token}` }, { authorization: 'Basic Zm9vOmJhcg==' }, { authorization: `Bearer ${'a'.repeat(5000)}` }];
    const ids = ['0', '-1', '1.5', '1e3', '99999999999999999999', 'abc', '%00', '1;2', '..', ''];
    const make = (): [string, string, Record<string, string>, string | Buffer | undefined] => {
      switch (Math.floor(rand() * 7)) {
        case 0: // no or wrong token, any route
          return [pick(['GET', 'POST']), pick(['/v1/jobs', '/v1/jobs/1', '/v1/jobs/1/cancel', '/v1/info', '/v1/close', '/v1/jobs/batch']), pick(badAuth), JSON.stringify(VALID)];
        case 1: {
          // one field of a submission made wrong
          const [field, values] = pick(BAD_FIELDS);
          return ['POST', '/v1/jobs', auth, JSON.stringify({ ...VALID, [field]: pick(values) })];
        }
        case 2: // not JSON, or JSON that is not an object
          return ['POST', pick(['/v1/jobs', '/v1/jobs/batch', '/v1/close', '/v1/gpus/allow']), auth, pick(['{', 'nul', '[1,2', '"x"', '12', '[]', Buffer.from([0xff, 0xfe, 0x00, 0x80]), '{"a":' + '['.repeat(5000)])];
        case 3: // unknown routes and methods
          return [pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']), pick(['/', '/v2/jobs', '/v1', '/v1/jobs/1/explode', '/health/x', '/v1/jobs/1/2/3', `/v1/${'x'.repeat(3000)}`]), auth, undefined];
        case 4: // bad or unknown ids
          return ['POST', `/v1/jobs/${pick(ids)}/${pick(['cancel', 'hold', 'release', 'update', 'redo'])}`, auth, '{}'];
        case 5: // batches that are wrong somewhere
          return ['POST', '/v1/jobs/batch', auth, JSON.stringify(pick([{ base: VALID }, { base: VALID, tasks: [] }, { base: VALID, tasks: [{ command: 'x' }] }, { base: { ...VALID, cpus: 0 }, tasks: [{}] }, { tasks: [{}] }, { base: VALID, tasks: Array(3).fill({ arrayTaskId: -1 }) }]))];
        default: // bad queries and GPU settings
          return pick([
            ['GET', `/v1/jobs?states=${pick(['zz', 'R,zz', ''])}x`, auth, undefined],
            ['GET', `/v1/jobs?limit=${pick(['-1', '0', 'x', '1.5'])}`, auth, undefined],
            ['GET', `/v1/jobs?ids=${pick(['a', '-1', '0'])}`, auth, undefined],
            ['GET', '/v1/resolve?user=nobody&back=1', auth, undefined],
            ['POST', '/v1/gpus/allow', auth, JSON.stringify({ indices: pick([[-1], 'all', [1.5], {}]) })],
            ['POST', '/v1/gpus/ignore', auth, JSON.stringify({ index: pick([-1, 'x', 0]), pid: pick([0, 'x', -5]), ignore: 'yes' })],
            ['POST', '/v1/close', auth, JSON.stringify(pick([{}, { ids: [] }, { ids: ['x'] }, { ids: [424242] }]))],
          ] as [string, string, Record<string, string>, string | undefined][]);
      }
    };
    const total = Number(process.env.GFLOW_FUZZ_REQUESTS ?? 2000);
    let sent = 0;
    while (sent < total) {
      const batch = Array.from({ length: Math.min(200, total - sent) }, make);
      const answers = await Promise.all(batch.map(([m, p, h, b]) => send(sb.port, m, p, { ...h, 'content-type': 'application/json' }, b)));
      answers.forEach((a, i) => {
        const [m, p] = batch[i]!;
        assert.ok(!(a instanceof Error), `${m} ${p.slice(0, 80)}: ${String(a)}`);
        const r = a as Res;
        assert.ok(r.status >= 400 && r.status < 600, `${m} ${p.slice(0, 80)} → ${r.status} ${r.body.slice(0, 200)}`);
        let body: { code: unknown; message: unknown };
        try {
          body = JSON.parse(r.body) as { code: unknown; message: unknown };
        } catch {
          throw new Error(`${m} ${p.slice(0, 80)} → ${r.status} not JSON: ${JSON.stringify(r.body.slice(0, 200))}`);
        }
        assert.ok(typeof body.code === 'string' && typeof body.message === 'string' && body.message.length > 0, r.body);
      });
      sent += batch.length;
      const health = await send(sb.port, 'GET', '/health', {});
      assert.equal((health as Res).status, 200);
    }
    assert.equal(await sb.ok('gflow', 'queue', '-a', '--json'), before0);
  });

  it('keeps serving while slow clients never finish their requests', async () => {
    const slow: net.Socket[] = [];
    for (let i = 0; i < 30; i++) {
      const s = net.connect(sb.port, '127.0.0.1');
      s.on('error', () => {});
      s.write(i % 2 ? 'POST /v1/jobs HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\n{"cwd":' : 'GET /v1/jobs HTTP/1.1\r\nhost: x\r\nx-slow: ');
      slow.push(s);
    }
    for (let i = 0; i < 20; i++) assert.equal(((await send(sb.port, 'GET', '/health', {})) as Res).status, 200);
    await sb.ok('gflow', 'queue');
    for (const s of slow) s.destroy();
  });
});
