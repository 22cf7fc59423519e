// Notifications on the machine's shared daemon (root) with two real local users: a user's
// webhook leaves from a process of that user (the receiver asks the kernel who owns the
// connecting socket), so a webhook at the daemon's own API acts as that user and can touch
// nobody else's jobs; and one user's slow rules cannot hold every delivery slot.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pollUntil } from '../helpers/wait.js';
import type { Job } from '../../src/protocol/job.js';
import type { Notification, NotifyListResponse } from '../../src/protocol/notify.js';
import { Sandbox, testUsers, type TestUser } from '../helpers/sandbox.js';
import { HttpReceiver } from './receivers.js';
import { requiresUsers } from '../helpers/requires.js';

// Users of their own: the sandbox's cleanup kills every process of its users, which must not
// hit another test file's jobs running at the same time.
const users = testUsers(['gfsenda', 'gfsendb']);

describe('notifications on a shared daemon: sent as their owner, fairly', requiresUsers(users), () => {
  let sb: Sandbox;
  let rx: HttpReceiver;
  let a: TestUser;
  let b: TestUser;
  before(async () => {
    assert.ok(users, 'this test needs root and useradd (it creates local users)');
    [a, b] = users as [TestUser, TestUser];
    rx = await HttpReceiver.start();
    sb = await Sandbox.shared(users);
    // One attempt: a refused delivery is recorded failed at once.
    Object.assign(sb.env, { GFLOW_NOTIFY_MAX_ATTEMPTS: '1' });
    await sb.up('--cpus', '4');
  });
  after(async () => {
    await sb?.cleanup();
    await rx?.close();
  });

  const gflow = async (u: TestUser, ...args: string[]): Promise<string> => {
    const r = await sb.as(u, args);
    if (r.code !== 0) throw new Error(`gflow ${args.join(' ')} as ${u.name} exited ${r.code}\n${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  const submit = async (u: TestUser, ...args: string[]): Promise<Job> => JSON.parse(await gflow(u, 'submit', '--json', ...args)) as Job;
  const show = async (id: number): Promise<Job> => JSON.parse(await sb.ok('gflow', 'show', String(id), '--json')) as Job;
  const until = (id: number, pred: (j: Job) => boolean): Promise<void> => pollUntil(async () => pred(await show(id)), { interval: 50, timeout: 20_000 });
  const ruleId = (added: string): string => /rule (\d+)/.exec(added)![1]!;
  /** Removes the rules `u` sees (root: everyone's). */
  const removeAll = async (u: TestUser | 'root'): Promise<void> => {
    const run = (...args: string[]): Promise<string> => (u === 'root' ? sb.ok('gflow', ...args) : gflow(u, ...args));
    for (const r of (JSON.parse(await run('notify', 'list', '--json')) as NotifyListResponse).rules) await run('notify', 'remove', String(r.id));
  };

  it("sends each user's webhook from a process of that user, and root's from root", async () => {
    await gflow(a, 'notify', 'add', 'webhook', `${rx.url}/of-a`, '--header', 'X-Secret: for-a');
    await gflow(b, 'notify', 'add', 'webhook', `${rx.url}/of-b`);
    await sb.ok('gflow', 'notify', 'add', 'webhook', `${rx.url}/of-root`);
    for (const test of [() => gflow(a, 'notify', 'test'), () => gflow(b, 'notify', 'test'), () => sb.ok('gflow', 'notify', 'test')]) assert.match(await test(), /: delivered/);
    const got = await rx.arrivals.wait(3);
    const by = (p: string) => got.find((r) => r.path === p)!;
    // The kernel's word, not a header: whoever owns the connecting socket sent it.
    assert.equal(by('/of-a').uid, a.uid, "a's webhook came from a process of a's");
    assert.equal(by('/of-b').uid, b.uid, "b's webhook came from a process of b's");
    assert.equal(by('/of-root').uid, 0, "root's own rule is root's");
    // Sent as before: the rule's header, the delivery id in header and body, JSON.
    assert.equal(by('/of-a').headers['x-secret'], 'for-a');
    assert.equal(by('/of-a').headers['content-type'], 'application/json');
    const body = JSON.parse(by('/of-a').body) as Notification;
    assert.equal(body.notify, 'test');
    assert.equal(by('/of-a').headers['x-gflow-delivery'], body.delivery);
    await removeAll('root');
  });

  it("turns another user's webhooks at the daemon's own API into that user's requests: a's jobs stay, b is refused", async () => {
    const running = await submit(a, '--', 'sleep', '300');
    const ended = await submit(a, '--', 'bash', '-c', 'echo words-of-a');
    const held = await submit(a, '--hold', '--', 'true');
    await until(running.id, (j) => j.state === 'running');
    await until(ended.id, (j) => j.state === 'finished');
    const api = `http://127.0.0.1:${sb.port}/v1`;
    const targets = {
      cancel: `${api}/jobs/${running.id}/cancel`,
      hold: `${api}/jobs/${running.id}/hold`,
      requeue: `${api}/jobs/${ended.id}/requeue`,
      redo: `${api}/jobs/${ended.id}/redo`,
      release: `${api}/jobs/${held.id}/release`,
      clean: `${api}/clean`,
    };
    const rules: Record<string, string> = {};
    for (const [what, url] of Object.entries(targets)) rules[what] = ruleId(await gflow(b, 'notify', 'add', 'webhook', url, '--events', 'end,fail,cancel'));
    const tried = await sb.as(b, ['notify', 'test']);
    assert.equal(tried.code, 1, tried.stdout + tried.stderr);

    // Nothing of a's changed: the job runs, the ended one and its log are there, the held one is held.
    assert.equal((await show(running.id)).state, 'running');
    assert.equal((await show(ended.id)).state, 'finished');
    assert.equal(await gflow(a, 'log', String(ended.id)), 'words-of-a\n');
    assert.equal((await show(held.id)).state, 'hold');
    const all = (JSON.parse(await sb.ok('gflow', 'queue', '--all', '--json')) as Job[]).filter((j) => j.user === a.name);
    assert.deepEqual(all.map((j) => j.id).sort((x, y) => x - y), [running.id, ended.id, held.id], 'no job of a was removed or redone');

    // b's deliveries at a's jobs failed with the daemon's refusal; the clean cleaned b's own (nothing).
    const { deliveries } = JSON.parse(await gflow(b, 'notify', 'list', '--json')) as NotifyListResponse;
    for (const [what, job] of [['cancel', running], ['hold', running], ['requeue', ended], ['redo', ended], ['release', held]] as const) {
      const d = deliveries.find((x) => String(x.ruleId) === rules[what]);
      assert.equal(d?.state, 'failed', `${what}: ${JSON.stringify(d)}`);
      assert.match(d.lastError ?? '', new RegExp(`^HTTP 403: .*job ${job.id} belongs to ${a.name}`), what);
    }
    assert.ok(!deliveries.some((x) => String(x.ruleId) === rules.clean), 'the clean, as b, was accepted (and removed none of a)');
    await gflow(a, 'cancel', String(running.id));
    await removeAll(b);
  });

  it('survives a user killing their own sender mid-delivery: that delivery fails, the next one gets a new sender', async () => {
    const from = rx.arrivals.items.length;
    rx.answer = (i) => (i === from ? 'held' : 'ok');
    await gflow(a, 'notify', 'add', 'webhook', `${rx.url}/held`);
    await gflow(a, 'notify', 'test', '--no-wait');
    await rx.arrivals.wait(from + 1);
    const sender = execFileSync('pgrep', ['-u', String(a.uid), '-f', 'webhook-worker'], { encoding: 'utf8' }).trim();
    assert.match(sender, /^\d+$/, "one sender process of a's");
    const killed = await sb.as(a, ['-KILL', sender], { program: 'kill' });
    assert.equal(killed.code, 0, killed.stderr);
    await pollUntil(async () => (JSON.parse(await gflow(a, 'notify', 'list', '--json')) as NotifyListResponse).deliveries.some((d) => d.state === 'failed' && /the webhook sender stopped \(SIGKILL\)/.test(d.lastError ?? '')), { interval: 50, timeout: 20_000 });
    assert.match(await gflow(a, 'notify', 'test'), /: delivered/);
    assert.equal(rx.arrivals.items.at(-1)!.uid, a.uid);
    await removeAll(a);
  });

  it("gives another user's notification a slot while one user's slow rules are being sent", async () => {
    const out = path.join(a.home, `notified-${sb.socket}`);
    // Ten slow command rules of b: each sleeps 14 s (the time limit is 15 s).
    for (let i = 0; i < 10; i++) await gflow(b, 'notify', 'add', 'command', `sleep 14 # ${i}`);
    await gflow(b, 'notify', 'test', '--no-wait');
    const slowOfB = (): number => {
      try {
        return execFileSync('pgrep', ['-u', String(b.uid), '-x', 'sleep'], { encoding: 'utf8' }).trim().split('\n').length;
      } catch {
        return 0;
      }
    };
    await pollUntil(() => slowOfB() >= 4, { interval: 50, timeout: 20_000 });
    await gflow(a, 'notify', 'add', 'command', `echo "$GFLOW_NOTIFY" > ${out}`);
    await gflow(a, 'notify', 'test', '--no-wait');
    // Well before the first of b's would end (14 s) and free a slot.
    await pollUntil(() => fs.existsSync(out) && fs.readFileSync(out, 'utf8') === 'test\n', { interval: 50, timeout: 8_000 });
    assert.ok(slowOfB() <= 4, `b holds at most half of the 8 slots (${slowOfB()} of b's commands run)`);
    fs.rmSync(out, { force: true });
  });
});
