// The dashboard on the machine's shared daemon: the browser acts as the person whose
// `gflow ui` made the link — from that person's connections only (the attacks of other users
// are in shared-credentials.test.ts) — and sees only that person's logs and acts only on their
// jobs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pollUntil } from '../helpers/wait.js';
import type { Job } from '../../src/protocol/job.js';
import { LOG_START_HEADER } from '../../src/protocol/web.js';
import { Sandbox, testUsers, type TestUser } from '../helpers/sandbox.js';
import { fromPage, sendAs, type RawAnswer } from './http.js';
import { requiresUsers } from '../helpers/requires.js';

// Users of their own: a sandbox's cleanup kills every process of its users, and test files run
// side by side.
const users = testUsers(['gflowweba', 'gflowwebb']);

describe('dashboard on a shared daemon', requiresUsers(users), () => {
  let sb: Sandbox;
  let a: TestUser;
  let b: TestUser;
  before(async () => {
    [a, b] = users as [TestUser, TestUser];
    sb = await Sandbox.shared(users!);
    await sb.up('--cpus', '4');
  });
  after(async () => {
    await sb?.cleanup();
  });

  const submit = async (u: TestUser, ...args: string[]): Promise<Job> => {
    const r = await sb.as(u, ['submit', '--json', ...args]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as Job;
  };
  const running = (id: number): Promise<void> => pollUntil(async () => (JSON.parse(await sb.ok('gflow', 'show', String(id), '--json')) as Job).state === 'running', { interval: 50, timeout: 20_000 });

  /** Logs `u`'s browser in with the link their `gflow ui` prints, redeemed over a connection of theirs. */
  const logIn = async (u: TestUser): Promise<{ login: RawAnswer; body: string; cookie: string }> => {
    const r = await sb.as(u, ['ui', '--no-open']);
    assert.equal(r.code, 0, r.stderr);
    const code = /#login=([A-Za-z0-9_-]+)/.exec(r.stdout)?.[1];
    assert.ok(code, r.stdout);
    const body = JSON.stringify({ code });
    const login = await sendAs(sb, u, 'POST', '/v1/ui/session', { origin: `http://127.0.0.1:${sb.port}`, 'x-gflow-ui': '1' }, body);
    assert.equal(login.status, 200, login.body);
    return { login, body, cookie: String(login.headers['set-cookie']).split(';')[0]! };
  };

  it("logs the browser in as the user whose `gflow ui` made the link, once", async () => {
    const { login, body, cookie } = await logIn(a);
    const me = JSON.parse(login.body) as { user: string; admin: boolean; mode: string; loginEnv: Record<string, string> };
    assert.deepEqual([me.user, me.admin, me.mode, me.loginEnv.HOME], [a.name, false, 'shared', a.home]);
    const setCookie = String(login.headers['set-cookie']);
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    const who = await sendAs(sb, a, 'GET', '/v1/ui/session', fromPage(sb.port, cookie, 'GET'));
    assert.equal(JSON.parse(who.body).user, a.name);
    const again = await sendAs(sb, a, 'POST', '/v1/ui/session', { origin: `http://127.0.0.1:${sb.port}`, 'x-gflow-ui': '1' }, body);
    assert.equal(again.status, 401);
  });

  it("reads its own jobs' logs and acts on its own jobs only", async () => {
    const { cookie } = await logIn(a);
    const mine = await submit(a, '--', 'bash', '-c', 'echo from-a; sleep 300');
    const theirs = await submit(b, '--', 'bash', '-c', 'echo secret-of-b; sleep 300');
    await running(mine.id);
    await running(theirs.id);
    await pollUntil(async () => (await sendAs(sb, a, 'GET', `/v1/jobs/${mine.id}/log?offset=0`, fromPage(sb.port, cookie, 'GET'))).body.includes('from-a'), { interval: 50, timeout: 10_000 });
    const own = await sendAs(sb, a, 'GET', `/v1/jobs/${mine.id}/log?tail=10`, fromPage(sb.port, cookie, 'GET'));
    assert.equal(own.status, 200);
    assert.equal(own.headers[LOG_START_HEADER], '0');
    const other = await sendAs(sb, a, 'GET', `/v1/jobs/${theirs.id}/log?offset=0`, fromPage(sb.port, cookie, 'GET'));
    assert.equal(other.status, 403);
    assert.ok(!other.body.includes('secret-of-b'));
    const cancelOther = await sendAs(sb, a, 'POST', `/v1/jobs/${theirs.id}/cancel`, fromPage(sb.port, cookie, 'POST'), '{}');
    assert.equal(cancelOther.status, 403, cancelOther.body);
    const cancelOwn = await sendAs(sb, a, 'POST', `/v1/jobs/${mine.id}/cancel`, fromPage(sb.port, cookie, 'POST'), '{}');
    assert.ok(cancelOwn.status >= 200 && cancelOwn.status < 300, cancelOwn.body);
    assert.equal((JSON.parse(await sb.ok('gflow', 'show', String(theirs.id), '--json')) as Job).state, 'running');
    await sb.ok('gflow', 'cancel', String(theirs.id));
  });

  it("refuses a web page's request that has no session, and other host names", async () => {
    const job = await submit(a, '--', 'sleep', '300');
    // As the user's own browser would send it (the kernel names them), from another site's page.
    const code = `const r = require('node:http').request({ host: '127.0.0.1', port: ${sb.port}, path: '/v1/jobs/${job.id}/cancel', method: 'POST', headers: { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' } }, (res) => console.log(res.statusCode)); r.end('{}');`;
    const r = await sb.as(a, ['-e', code], { program: process.execPath });
    assert.equal(r.stdout.trim(), '403', r.stderr);
    const rebound = `require('node:http').get({ host: '127.0.0.1', port: ${sb.port}, path: '/v1/jobs', headers: { host: 'evil.example:${sb.port}' } }, (res) => console.log(res.statusCode));`;
    assert.equal((await sb.as(a, ['-e', rebound], { program: process.execPath })).stdout.trim(), '403');
    const plain = `require('node:http').get({ host: '127.0.0.1', port: ${sb.port}, path: '/v1/jobs' }, (res) => console.log(res.statusCode));`;
    assert.equal((await sb.as(a, ['-e', plain], { program: process.execPath })).stdout.trim(), '200');
    assert.equal((JSON.parse(await sb.ok('gflow', 'show', String(job.id), '--json')) as Job).state, 'running');
    await sb.ok('gflow', 'cancel', String(job.id));
  });

  it('ends the session at logout', async () => {
    const { cookie } = await logIn(a);
    const out = await sendAs(sb, a, 'POST', '/v1/ui/logout', fromPage(sb.port, cookie, 'POST'), '{}');
    assert.equal(out.status, 200);
    assert.match(String(out.headers['set-cookie']), /Max-Age=0/);
    assert.equal((await sendAs(sb, a, 'GET', '/v1/jobs', fromPage(sb.port, cookie, 'GET'))).status, 401);
  });
});
