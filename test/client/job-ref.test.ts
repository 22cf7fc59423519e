// `@` is the whole last submission for commands over several jobs, its newest job for
// commands over one. Checked against the resolve answer of the daemon's contract
// ({ job, jobs }) and the answer of daemons that only send { job }.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { submissionIds } from '../../src/client/job-ref.js';
import { NEW_JOB_DEFAULTS, type JobRecord } from '../../src/core/job.js';
import { toWireJob } from '../../src/core/wire-job.js';
import type { Job } from '../../src/protocol/job.js';
import { PROTOCOL_VERSION } from '../../src/protocol/version.js';
import { Sandbox } from '../helpers/sandbox.js';

// Every field a job has, from the one declaration (src/core/job.ts); the test sets what it reads.
const job = (id: number, state: Job['state'] = 'hold'): Job => {
  const { hold: _hold, ...spec } = { ...NEW_JOB_DEFAULTS, user: 'u', command: ['true'], cwd: '/', env: {}, token: 't' };
  const runtime = { reason: null, submittedAt: Date.now(), startedAt: null, finishedAt: null, exitCode: null, signal: null, endedBy: null, session: null, pid: null, stopRequest: null, stopRequestedAt: null, escalated: false, sessionClosed: false, gpuIds: null, cancelledBy: null };
  return toWireJob({ ...spec, ...runtime, id, state, attempt: 1 } as unknown as JobRecord, '/dev/null');
};

describe('submissionIds', () => {
  it('takes every job of the submission, once each', () => {
    assert.deepEqual(submissionIds({ job: job(9), jobs: [job(7), job(8), job(9)] }), [7, 8, 9]);
    assert.deepEqual(submissionIds({ job: job(9), jobs: [job(9), job(9)] }), [9]);
  });
  it('falls back to the one job from a daemon that does not send jobs', () => {
    assert.deepEqual(submissionIds({ job: job(4) }), [4]);
    assert.deepEqual(submissionIds({ job: job(4), jobs: [] }), [4]);
  });
});

describe('@ in commands, against a daemon that answers the contract', () => {
  let sb: Sandbox;
  let server: http.Server;
  const seen: string[] = [];
  let withJobs = true;
  before(async () => {
    sb = await Sandbox.create();
    fs.mkdirSync(sb.configDir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(sb.configDir, 'token'), `${'b'.repeat(64)}\n`, { mode: 0o600 });
    server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const url = new URL(req.url ?? '/', 'http://x');
      let body: unknown = { code: 'not_found', message: 'no route' };
      let status = 404;
      const m = /^\/v1\/jobs\/(\d+)(?:\/(\w+))?$/.exec(url.pathname);
      if (url.pathname === '/v1/resolve') {
        // back=1: the sweep 11-13; back=2: the single job 10.
        const back = Number(url.searchParams.get('back'));
        [status, body] = [200, back === 1 ? (withJobs ? { job: job(13), jobs: [job(11), job(12), job(13)] } : { job: job(13) }) : { job: job(10), jobs: [job(10)] }];
      } else if (m) {
        [status, body] = [200, { job: job(Number(m[1]), m[2] === 'cancel' ? 'cancelled' : 'hold') }];
      } else if (url.pathname === '/v1/jobs' && req.method === 'POST') {
        [status, body] = [201, { job: job(20) }];
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (url.pathname === '/v1/jobs/actions') {
          const { action, ids } = JSON.parse(Buffer.concat(chunks).toString()) as { action: string; ids: number[] };
          seen.push(`${action} ${ids.join(',')}`);
          [status, body] = [200, { results: ids.map((id) => ({ id, job: job(id, action === 'cancel' ? 'cancelled' : 'hold') })) }];
        }
        res.writeHead(status, { 'content-type': 'application/json', 'x-gflow-protocol': String(PROTOCOL_VERSION) });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((r) => server.listen(sb.port, '127.0.0.1', r));
  });
  after(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    server.closeAllConnections();
    await sb.cleanup();
  });

  it('cancel @ acts on every job of the last submission; show @ on its newest', async () => {
    seen.length = 0;
    assert.equal((await sb.ok('gflow', 'cancel', '@')).trim(), 'Cancelled job 11\nCancelled job 12\nCancelled job 13');
    // One request for all of them.
    assert.deepEqual(seen.filter((s) => s.startsWith('POST') || s.startsWith('cancel')), ['POST /v1/jobs/actions', 'cancel 11,12,13']);
    seen.length = 0;
    await sb.ok('gflow', 'show', '@', '--json');
    assert.ok(seen.includes('GET /v1/jobs/13'), seen.join(', '));
    assert.ok(!seen.includes('GET /v1/jobs/11'));
  });

  it('-d @ waits for the whole last submission; @~2 is the one before', async () => {
    const bodies: string[] = [];
    server.on('request', (req) => {
      if (req.method === 'POST' && req.url === '/v1/jobs') req.on('data', (c: Buffer) => bodies.push(c.toString()));
    });
    await sb.ok('gflow', 'submit', '--depends-on-all', '@,@~2', '--', 'true');
    const sent = JSON.parse(bodies.join('')) as { dependsOn: number[]; dependsMode: string };
    assert.deepEqual(sent.dependsOn, [11, 12, 13, 10]);
    assert.equal(sent.dependsMode, 'all');
  });

  it('works against a daemon that sends only the newest job', async () => {
    withJobs = false;
    seen.length = 0;
    try {
      assert.equal((await sb.ok('gflow', 'hold', '@')).trim(), 'Held job 13');
    } finally {
      withJobs = true;
    }
  });
});
