// Command rules: the notification as JSON on stdin. On a shared daemon (root) the command runs
// as the rule's owner, and a user's rules see only that user's jobs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pollUntil } from '../helpers/wait.js';
import type { Notification, NotifyListResponse } from '../../src/protocol/notify.js';
import type { Job } from '../../src/protocol/job.js';
import { Sandbox, testUsers, type TestUser } from '../helpers/sandbox.js';
import { decodeQuotedPrintable, SmtpReceiver } from './receivers.js';
import { requiresUsers } from '../helpers/requires.js';

describe('command notifications', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await Sandbox.create({ GFLOW_NOTIFY_BACKOFF_MS: '50' });
    await sb.up();
  });
  after(async () => {
    await sb?.cleanup();
  });

  it('runs the command with the event as JSON on stdin', async () => {
    const out = path.join(sb.dir, 'event.json');
    await sb.ok('gflow', 'notify', 'add', 'command', `echo "$GFLOW_NOTIFY $GFLOW_JOB_ID" > ${out}.env; cat > ${out}`, '--events', 'start');
    const id = await sb.submit('--name', 'hello', '--', 'true');
    await pollUntil(() => fs.existsSync(`${out}.env`) && fs.readFileSync(`${out}.env`, 'utf8').endsWith('\n'), { interval: 50, timeout: 30_000 });
    await pollUntil(async () => (JSON.parse(await sb.ok('gflow', 'notify', 'list', '--json')) as NotifyListResponse).deliveries.length === 0, { interval: 100, timeout: 30_000 });
    const n = JSON.parse(fs.readFileSync(out, 'utf8')) as Notification;
    assert.equal(n.notify, 'start');
    assert.equal(n.event?.type, 'job.started');
    assert.equal(n.job?.id, id);
    assert.equal(n.job?.name, 'hello');
    assert.match(n.delivery, /^[0-9a-f-]{36}$/);
    assert.equal(fs.readFileSync(`${out}.env`, 'utf8'), `start ${id}\n`);
  });

  it('marks a failing command failed with its exit status and stderr', async () => {
    const added = await sb.ok('gflow', 'notify', 'add', 'command', 'echo nope >&2; exit 4');
    const rule = /rule (\d+)/.exec(added)![1]!;
    const r = await sb.gflow('notify', 'test', rule);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /not delivered: the command exited 4: nope \(retried later\)/);
    await sb.ok('gflow', 'notify', 'remove', rule);
    const list = JSON.parse(await sb.ok('gflow', 'notify', 'list', '--json')) as NotifyListResponse;
    assert.ok(!list.rules.some((x) => String(x.id) === rule));
    assert.ok(!list.deliveries.some((d) => String(d.ruleId) === rule), 'a removed rule sends nothing more');
  });
});

const users = testUsers(['gflowa', 'gflowb']);

describe('command notifications on a shared daemon', requiresUsers(users), () => {
  let sb: Sandbox;
  let a: TestUser;
  let b: TestUser;
  let out: string;
  let smtp: SmtpReceiver;
  before(async () => {
    [a, b] = users as [TestUser, TestUser];
    smtp = await SmtpReceiver.start();
    sb = await Sandbox.shared(users!);
    Object.assign(sb.env, { GFLOW_NOTIFY_BACKOFF_MS: '50', GFLOW_SMTP_HOST: '127.0.0.1', GFLOW_SMTP_PORT: String(smtp.port) });
    await sb.up('--cpus', '2');
    out = path.join(a.home, `notified-${sb.socket}`);
  });
  after(async () => {
    fs.rmSync(out, { force: true });
    await sb?.cleanup();
    await smtp?.close();
  });
  const gflow = async (u: TestUser, ...args: string[]): Promise<string> => {
    const r = await sb.as(u, args);
    if (r.code !== 0) throw new Error(`gflow ${args.join(' ')} as ${u.name} exited ${r.code}\n${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  const submit = async (u: TestUser, ...args: string[]): Promise<Job> => JSON.parse(await gflow(u, 'submit', '--json', ...args)) as Job;
  const ended = (id: number): Promise<void> => pollUntil(async () => !['queued', 'running'].includes((JSON.parse(await sb.ok('gflow', 'show', String(id), '--json')) as Job).state), { interval: 50, timeout: 30_000 });

  it("runs a user's command as that user, for that user's jobs only", async () => {
    await gflow(a, 'notify', 'add', 'command', `{ id -un; cat; echo; } >> ${out}`, '--events', 'end');
    // Another user neither sees the rule nor can remove it, and may not watch everyone's jobs.
    assert.deepEqual((JSON.parse(await gflow(b, 'notify', 'list', '--json')) as NotifyListResponse).rules, []);
    const rm = await sb.as(b, ['notify', 'remove', '1']);
    assert.notEqual(rm.code, 0);
    assert.match(rm.stderr, /notify rule 1 does not exist/);
    const all = await sb.as(b, ['notify', 'add', 'webhook', 'http://127.0.0.1:9/', '--all-users']);
    assert.notEqual(all.code, 0);
    assert.match(all.stderr, /only root/);

    const theirs = await submit(b, '--', 'true');
    await ended(theirs.id);
    const mine = await submit(a, '--', 'true');
    await ended(mine.id);
    // Everyone's deliveries done (root sees them all): b's job, had it been sent, is in the file too.
    await pollUntil(async () => (JSON.parse(await sb.ok('gflow', 'notify', 'list', '--json')) as NotifyListResponse).deliveries.length === 0 && fs.existsSync(out), { interval: 100, timeout: 30_000 });
    const text = fs.readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(text[0], 'gflowa', 'run as the rule’s owner');
    assert.equal(fs.statSync(out).uid, a.uid);
    const n = JSON.parse(text[1]!) as Notification;
    assert.equal(n.job?.id, mine.id);
    assert.equal(n.job?.user, 'gflowa');
    assert.equal(text.length, 2, `one notification, of gflowa's job only: ${text.join('\n')}`);
  });

  it("mails a user's job with the last lines of the log in that user's directory", async () => {
    const job = await submit(b, '--mail-user', 'b@example.com', '--notify-on', 'fail', '--', 'bash', '-c', 'echo "last words of $(id -un)"; exit 5');
    await ended(job.id);
    const [mail] = await smtp.arrivals.wait(1);
    assert.deepEqual(mail!.to, ['b@example.com']);
    const text = decodeQuotedPrintable(mail!.raw).replace(/\r\n/g, '\n');
    assert.match(text, /User: +gflowb/);
    assert.match(text, /Exit code: +5/);
    assert.match(text, new RegExp(`Log: +.*/users/${b.uid}/logs/`));
    assert.match(text, /Last lines of the log:\s+(.*\n)*last words of gflowb/);
  });
});
