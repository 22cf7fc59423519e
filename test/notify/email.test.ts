// E-mail against a real SMTP server (smtp-server): a job's own --mail-user (here from # GFLOW
// directives) with --notify-on, the text a user reads (name, state, exit code, duration, the
// log's last lines), the SMTP login whose password is never printed, and `notify test`.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { NotifyListResponse } from '../../src/protocol/notify.js';
import { Sandbox } from '../helpers/sandbox.js';
import { decodeQuotedPrintable, SmtpReceiver } from './receivers.js';

const PASSWORD = 'pw-Zq81-never-shown';

describe('e-mail notifications', () => {
  let sb: Sandbox;
  let smtp: SmtpReceiver;
  before(async () => {
    smtp = await SmtpReceiver.start();
    sb = await Sandbox.create({ GFLOW_NOTIFY_BACKOFF_MS: '50', GFLOW_SMTP_HOST: '127.0.0.1', GFLOW_SMTP_PORT: String(smtp.port), GFLOW_SMTP_FROM: 'gflow@test.example' });
    await sb.ok('gflow', 'config', 'set', 'smtpUser', 'mailer');
    const set = await sb.run('gflow', ['config', 'set', 'smtpPassword', '-'], { input: `${PASSWORD}\n` });
    assert.equal(set.code, 0, set.stderr);
    await sb.up();
  });
  after(async () => {
    await sb?.cleanup();
    await smtp?.close();
  });

  it('mails a job’s own address what --notify-on asks for, with its state, exit code, duration and last log lines', async () => {
    const script = path.join(sb.dir, 'train.sh');
    fs.writeFileSync(script, ['#!/bin/bash', '# GFLOW --name=train --mail-user=alice@example.com --notify-on=start,fail', 'for i in $(seq 1 30); do echo "epoch $i loss 0.$i"; done', 'exit 7', ''].join('\n'));
    const id = await sb.submit(script);
    const job = await sb.job(id);
    assert.equal(job.mailUser, 'alice@example.com');
    assert.deepEqual(job.notifyOn, ['start', 'fail']);
    const mails = await smtp.arrivals.wait(2);
    const [start, failed] = [mails.find((m) => /started/.test(m.raw))!, mails.find((m) => /failed/.test(m.raw))!];
    assert.ok(start && failed, mails.map((m) => m.raw).join('\n---\n'));
    for (const m of mails) {
      assert.deepEqual(m.to, ['alice@example.com']);
      assert.equal(m.from, 'gflow@test.example');
      assert.deepEqual(m.auth, { user: 'mailer', pass: PASSWORD });
    }
    const text = decodeQuotedPrintable(failed.raw).replace(/\r\n/g, '\n');
    assert.match(text, new RegExp(`Subject: gflow: job ${id} \\(train\\) failed, exit 7`));
    assert.match(text, /State: +failed/);
    assert.match(text, /Exit code: +7/);
    assert.match(text, /Duration: +\d+s/);
    assert.match(text, /Last lines of the log:\s+(.*\n)*epoch 30 loss 0\.30/);
    assert.doesNotMatch(text, /epoch 5 loss/, 'only the last lines');
    assert.match(text, /X-Gflow-Delivery: [0-9a-f-]{36}/i);
  });

  it('keeps the SMTP password out of config list, config get, the API and the daemon log', async () => {
    const shown = [
      await sb.ok('gflow', 'config', 'list'),
      await sb.ok('gflow', 'config', 'get', 'smtpPassword'),
      await sb.ok('gflowd', 'status', '--json'),
      fs.readFileSync(path.join(sb.stateDir, 'gflowd.log'), 'utf8'),
    ];
    for (const text of shown) assert.ok(!text.includes(PASSWORD), text);
    assert.match(shown[0]!, /smtpPassword +\(set, /);
    assert.equal(fs.statSync(path.join(sb.configDir, 'smtp-password')).mode & 0o777, 0o600);
  });

  it('sends a test through an e-mail rule now with `gflow notify test`', async () => {
    const before = smtp.arrivals.items.length;
    const added = await sb.ok('gflow', 'notify', 'add', 'email', 'ops@example.com');
    const rule = /Added notify rule (\d+)/.exec(added)![1]!;
    const out = await sb.ok('gflow', 'notify', 'test', rule);
    assert.match(out, /ops@example\.com: delivered/);
    const [mail] = (await smtp.arrivals.wait(before + 1)).slice(before);
    assert.deepEqual(mail!.to, ['ops@example.com']);
    assert.match(mail!.raw, /test notification/);
    const list = JSON.parse(await sb.ok('gflow', 'notify', 'list', '--json')) as NotifyListResponse;
    assert.deepEqual(list.deliveries, []);
  });

  it('refuses what cannot be delivered, saying what to do', async () => {
    const r = await sb.gflow('submit', '--notify-on', 'fail', '--', 'true');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--notify-on says what --mail-user is told of.*\n?.*--mail-user/);
    const bad = await sb.gflow('submit', '--mail-user', 'alice', '--', 'true');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /not an e-mail address/);
    const ev = await sb.gflow('notify', 'add', 'email', 'a@example.com', '--events', 'end,oops');
    assert.equal(ev.code, 2);
    assert.match(ev.stderr, /unknown event 'oops'/);
  });
});
