// Webhook rules against a real HTTP receiver: retried with backoff until it answers, the same
// delivery id on every attempt, secrets kept out of the log and `notify list`; a receiver that
// never answers is given up on without slowing the daemon; a kill -9 mid-delivery is made up
// for by the next daemon.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { pollUntil } from '../helpers/wait.js';
import type { Notification, NotifyListResponse } from '../../src/protocol/notify.js';
import { freePort, Sandbox } from '../helpers/sandbox.js';
import { HttpReceiver } from './receivers.js';

const list = async (sb: Sandbox): Promise<NotifyListResponse> => JSON.parse(await sb.ok('gflow', 'notify', 'list', '--json')) as NotifyListResponse;
const daemonLog = (sb: Sandbox): string => fs.readFileSync(path.join(sb.stateDir, 'gflowd.log'), 'utf8');
/** Resolves once nothing is left to send or retry. */
const drained = (sb: Sandbox): Promise<void> => pollUntil(async () => (await list(sb)).deliveries.length === 0, { interval: 100, timeout: 30_000 });

describe('webhook notifications', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
  });
  const setUp = async (env: NodeJS.ProcessEnv): Promise<{ sb: Sandbox; rx: HttpReceiver }> => {
    const rx = await HttpReceiver.start();
    const sb = await Sandbox.create({ GFLOW_NOTIFY_BACKOFF_MS: '50', ...env });
    cleanups.push(() => rx.close(), () => sb.cleanup());
    await sb.up();
    return { sb, rx };
  };

  it('retries a receiver that fails twice and delivers on the third try, with one id and no secret shown', async () => {
    const { sb, rx } = await setUp({});
    rx.answer = (i) => (i < 2 ? 'fail' : 'ok');
    const added = await sb.ok('gflow', 'notify', 'add', 'webhook', `${rx.url}/hooks/secret-path?token=q1`, '--events', 'fail', '--header', 'Authorization: Bearer s3cret-token');
    assert.match(added, /Added notify rule 1: webhook http:\/\/127\.0\.0\.1:\d+\/… on fail/);
    const id = await sb.submit('--name', 'boom', '--', 'bash', '-c', 'exit 3');
    const got = await rx.arrivals.wait(3);
    assert.deepEqual(got.map((r) => r.answer), ['fail', 'fail', 'ok']);
    const keys = new Set(got.map((r) => r.headers['x-gflow-delivery']));
    assert.equal(keys.size, 1, 'every attempt carries the same delivery id');
    const body = JSON.parse(got[2]!.body) as Notification;
    assert.equal(body.delivery, got[2]!.headers['x-gflow-delivery']);
    assert.equal(got[2]!.headers.authorization, 'Bearer s3cret-token');
    assert.equal(got[2]!.headers['x-gflow-event'], 'job.ended');
    assert.equal(body.v, 1);
    assert.equal(body.notify, 'fail');
    assert.equal(body.event?.type, 'job.ended');
    assert.equal(body.job?.id, id);
    assert.equal(body.job?.name, 'boom');
    assert.equal(body.job?.state, 'failed');
    assert.equal(body.job?.exitCode, 3);
    await drained(sb);
    const log = daemonLog(sb);
    assert.match(log, /notification 1 \(webhook http:\/\/127\.0\.0\.1:\d+\/…, job 1\): attempt 1 of 10/);
    assert.match(log, /attempt 2 failed: HTTP 500: not now; next in 100 ms/);
    assert.match(log, /notification 1 .*: delivered/);
    const shown = await sb.ok('gflow', 'notify', 'list');
    for (const text of [log, shown, await sb.ok('gflow', 'notify', 'list', '--json')]) {
      assert.doesNotMatch(text, /s3cret-token|secret-path|token=q1/);
    }
    assert.match(shown, /Authorization: \*\*\*/);
  });

  it('marks a delivery failed after the attempt limit when the receiver never answers, and the daemon goes on', async () => {
    const { sb, rx } = await setUp({ GFLOW_NOTIFY_TIMEOUT_SEC: '1', GFLOW_NOTIFY_MAX_ATTEMPTS: '2' });
    rx.answer = () => 'held';
    await sb.ok('gflow', 'notify', 'add', 'webhook', rx.url, '--events', 'end');
    const first = await sb.submit('--', 'true');
    await rx.arrivals.wait(1);
    // While a delivery hangs, the API answers and jobs run.
    const second = await sb.submit('--', 'bash', '-c', 'exit 0');
    assert.equal((await sb.waitEnded(second)).state, 'finished');
    await pollUntil(async () => (await list(sb)).deliveries.filter((d) => d.state === 'failed').length === 2, { interval: 100, timeout: 30_000 });
    const { deliveries } = await list(sb);
    assert.deepEqual(deliveries.map((d) => d.jobId).sort(), [first, second]);
    for (const d of deliveries) {
      assert.equal(d.attempts, 2);
      assert.match(d.lastError ?? '', /no answer within 1 s/);
    }
    assert.equal(rx.arrivals.items.length, 4);
    assert.match(daemonLog(sb), /attempt 2 failed: no answer within 1 s; giving up/);
    assert.match(await sb.ok('gflow', 'notify', 'list'), /failed\s+2\s+no answer within 1 s/);
    assert.match(await sb.ok('gflowd', 'status'), /running/);
  });

  it('delivers after gflowd up what a kill -9 interrupted mid-delivery', async () => {
    const { sb, rx } = await setUp({});
    // The first attempt is held open until the daemon is gone; later ones are answered.
    rx.answer = (i) => (i === 0 ? 'held' : 'ok');
    await sb.ok('gflow', 'notify', 'add', 'webhook', rx.url);
    const id = await sb.submit('--', 'true');
    const [held] = await rx.arrivals.wait(1);
    process.kill(await sb.daemonPid(), 'SIGKILL');
    await sb.up();
    const got = await rx.arrivals.wait(2);
    assert.equal(got[1]!.answer, 'ok');
    assert.equal(got[1]!.headers['x-gflow-delivery'], held!.headers['x-gflow-delivery'], 'the repeat carries the same id');
    assert.equal((JSON.parse(got[1]!.body) as Notification).job?.id, id);
    await drained(sb);
  });

  it('delivers what a reload interrupted mid-delivery, from the new daemon', async () => {
    const { sb, rx } = await setUp({});
    rx.answer = (i) => (i === 0 ? 'held' : 'ok');
    await sb.ok('gflow', 'notify', 'add', 'webhook', rx.url, '--events', 'start');
    const old = await sb.daemonPid();
    await sb.submit('--', 'true');
    const [held] = await rx.arrivals.wait(1);
    await sb.ok('gflowd', 'reload');
    assert.notEqual(await sb.daemonPid(), old);
    const got = await rx.arrivals.wait(2);
    assert.equal(got[1]!.headers['x-gflow-delivery'], held!.headers['x-gflow-delivery']);
    await drained(sb);
  });

  it('delivers after gflowd up to a receiver that was down until the daemon was killed', async () => {
    const sb = await Sandbox.create({ GFLOW_NOTIFY_BACKOFF_MS: '50' });
    cleanups.push(() => sb.cleanup());
    await sb.up();
    const port = await freePort();
    await sb.ok('gflow', 'notify', 'add', 'webhook', `http://127.0.0.1:${port}/`, '--events', 'end');
    const id = await sb.submit('--', 'true');
    await pollUntil(async () => (await list(sb)).deliveries.some((d) => /ECONNREFUSED/.test(d.lastError ?? '')), { interval: 50, timeout: 30_000 });
    process.kill(await sb.daemonPid(), 'SIGKILL');
    const rx = await HttpReceiver.start(port);
    cleanups.push(() => rx.close());
    await sb.up();
    const [got] = await rx.arrivals.wait(1);
    assert.equal((JSON.parse(got!.body) as Notification).job?.id, id);
    await drained(sb);
  });
});
