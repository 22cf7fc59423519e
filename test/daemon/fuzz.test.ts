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

/**
 * What is wrong with the answer to a malformed request (undefined: nothing). Bad input is the
 * client's error: a 4xx (a 5xx says the daemon failed) whose body is a JSON error with a code
 * and a one-line message; `anyAnswer`: a request that may make sense may also succeed.
 */
function answerProblem(a: Res | Error, anyAnswer: boolean): string | undefined {
  if (a instanceof Error) return String(a);
  const said = `${a.status} ${a.body.slice(0, 200)}`;
  if (a.status >= 500 || (a.status < 400 && !anyAnswer)) return `status ${said}`;
  if (a.status < 400) return undefined;
  let body: { code?: unknown; message?: unknown };
  try {
    body = JSON.parse(a.body) as typeof body;
  } catch {
    return `not JSON: ${said}`;
  }
  if (typeof body.code !== 'string' || typeof body.message !== 'string' || body.message.length === 0 || body.message.includes('\n')) return `not a one-line JSON error: ${said}`;
  return undefined;
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

// Every route that reads a body, and what their handlers read from it: given wrong shapes and
// values of the wrong kind, each must answer a 4xx (or, where the rest of the body makes sense,
// act as asked), never fail inside. WITNESS is the held job made before the fuzzing; job routes
// that would change it are only sent to jobs that do not exist.
const WITNESS = 1;
const BODY_ROUTES = [
  ...['dry-run', 'actions', 'batch'].map((r) => `/v1/jobs/${r}`),
  ...['clean', 'close', 'gpus/allow', 'gpus/ignore', 'quotas', 'quotas/remove', 'reservations', 'reservations/1/cancel', 'notify/rules', 'notify/remove', 'notify/test'].map((r) => `/v1/${r}`),
  ...['update', 'redo', 'signal', 'send', 'limit', 'requeue'].map((a) => `/v1/jobs/${WITNESS}/${a}`),
  ...['cancel', 'hold', 'release'].map((a) => `/v1/jobs/424242/${a}`),
];
const FIELDS = ['states', 'olderThanSec', 'dryRun', 'ids', 'allEnded', 'action', 'at', 'env', 'cascade', 'indices', 'index', 'pid', 'ignore', 'text', 'enter', 'max', 'signal', 'id', 'rule', 'channel', 'target', 'events', 'headers', 'allUsers', 'scope', 'name', 'user', 'maxRunning', 'maxGpus', 'maxQueued', 'gpus', 'gpuIds', 'startAt', 'endAt', 'priority', 'cpus', 'timeLimitSec', 'beginAt', 'dependsOn', 'dependsKinds', 'maxRetries', 'base', 'tasks'];
// Of no field's kind (no null: it clears some fields, a change the witness must not see).
const WRONG: unknown[] = [1.5, -1.5, 1e300, [], [null], [1.5], [{}], {}, { a: {} }, true, 'a\u0000b', 'x'.repeat(5000)];

describe('fuzzing the API', () => {
  let sb: Sandbox;
  let token: string;
  let before0: string;
  before(async () => {
    sb = await Sandbox.create();
    await sb.up();
    token = fs.readFileSync(path.join(sb.configDir, 'token'), 'utf8').trim();
    assert.equal(await sb.submit('--hold', '--name', 'witness', '--', 'true'), WITNESS);
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
    // The fifth element: an answer other than an error is right too (the request may make sense).
    type Request = [string, string, Record<string, string>, string | Buffer | undefined, boolean?];
    const junk = (): string => {
      if (rand() < 0.3) return pick(['null', '[]', '5', '"x"', 'true', '{}']);
      return JSON.stringify(Object.fromEntries(Array.from({ length: 1 + Math.floor(rand() * 3) }, () => [pick(FIELDS), pick(WRONG)])));
    };
    const make = (): Request => {
      switch (Math.floor(rand() * 9)) {
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
        case 7:
          return ['POST', pick(BODY_ROUTES), auth, junk(), true];
        case 8: // queries of the wrong kind
          return [
            'GET',
            pick([
              `/v1/stats?since=${pick(['x', '-1', '1e400', ''])}&user=${pick(['', "a'b", '%00', 'x'.repeat(300)])}&project=${pick(['', '%0a', 'p'])}&all=${pick(['1', 'x'])}`,
              `/v1/notify?deliveries=${pick(['x', '-1', ',,', '1e400'])}`,
              `/v1/events?follow=0&after=${pick(['x', '-1', '1.5', '1e400'])}&job=${pick(['x', '0', '-1'])}&types=${pick(['zz', '', ','])}&tail=${pick(['x', '-1', '1e9'])}`,
              `/v1/resolve?back=${pick(['0', 'x', '1e400', '-1'])}`,
              `/v1/jobs/${pick([...ids, String(WITNESS)])}/${pick(['why', 'log?offset=x&tail=-1', 'related'])}`,
              `/v1/samples?since=${pick(['x', '-1', '1e400'])}`,
            ]),
            auth,
            undefined,
            true,
          ];
        default: // bad queries and GPU settings
          return pick([
            ['GET', `/v1/jobs?states=${pick(['zz', 'R,zz', ''])}x`, auth, undefined],
            ['GET', `/v1/jobs?limit=${pick(['-1', '0', 'x', '1.5'])}`, auth, undefined],
            ['GET', `/v1/jobs?ids=${pick(['a', '-1', '0'])}`, auth, undefined],
            ['GET', '/v1/resolve?user=nobody&back=1', auth, undefined],
            ['POST', '/v1/gpus/allow', auth, JSON.stringify({ indices: pick([[-1], 'all', [1.5], {}]) })],
            ['POST', '/v1/gpus/ignore', auth, JSON.stringify({ index: pick([-1, 'x', 0]), pid: pick([0, 'x', -5]), ignore: 'yes' })],
            ['POST', '/v1/close', auth, JSON.stringify(pick([{}, { ids: [] }, { ids: ['x'] }, { ids: [424242] }]))],
          ] as Request[]);
      }
    };
    const total = Number(process.env.GFLOW_FUZZ_REQUESTS ?? 2000);
    // Every wrong answer, each kind once, so that one run shows them all.
    const wrong = new Set<string>();
    let sent = 0;
    while (sent < total) {
      const batch = Array.from({ length: Math.min(200, total - sent) }, make);
      const answers = await Promise.all(batch.map(([m, p, h, b]) => send(sb.port, m, p, { ...h, 'content-type': 'application/json' }, b)));
      answers.forEach((a, i) => {
        const [m, p, , b, anyAnswer] = batch[i]!;
        const asked = `${m} ${p.slice(0, 80)} ${String(b ?? '').slice(0, 120)}`;
        const problem = answerProblem(a, anyAnswer === true);
        if (problem) wrong.add(`${asked} → ${problem}`);
      });
      sent += batch.length;
      const health = await send(sb.port, 'GET', '/health', {});
      assert.equal((health as Res).status, 200);
    }
    assert.deepEqual([...wrong], []);
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
