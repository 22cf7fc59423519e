// The names of --notify-on / --events, which change each one means, and the retry waits.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffMs, notifyEventOf, parseNotifyEvents } from '../../src/core/notify-on.js';
import { maskCommand, maskUrl } from '../../src/notify/mask.js';
import { targetsFor } from '../../src/notify/outbox-writer.js';
import type { NotifyRule } from '../../src/store/notify-rules.js';
import type { NoticeJob } from '../../src/store/outbox.js';

describe('notify events', () => {
  it('parses names, all, and gflow’s and Slurm’s spellings, in a fixed order', () => {
    assert.deepEqual(parseNotifyEvents('fail,start'), ['start', 'fail']);
    assert.deepEqual(parseNotifyEvents('all'), ['start', 'end', 'fail', 'timeout', 'cancel']);
    assert.deepEqual(parseNotifyEvents('job_failed, JOB_TIMEOUT,begin'), ['start', 'fail', 'timeout']);
    assert.throws(() => parseNotifyEvents('start,oops'), /unknown event 'oops'/);
    assert.throws(() => parseNotifyEvents(' , '), /no events given/);
  });

  it('maps each job change to at most one name', () => {
    assert.equal(notifyEventOf('job.started', 'running'), 'start');
    assert.equal(notifyEventOf('job.ended', 'finished'), 'end');
    assert.equal(notifyEventOf('job.ended', 'failed'), 'fail');
    assert.equal(notifyEventOf('job.ended', 'timeout'), 'timeout');
    assert.equal(notifyEventOf('job.cancelled', 'cancelled'), 'cancel');
    assert.equal(notifyEventOf('job.submitted', 'queued'), null);
    assert.equal(notifyEventOf('job.requeued', 'queued'), null);
  });

  it('doubles the wait before each retry, up to an hour', () => {
    assert.deepEqual([1, 2, 3, 4].map((a) => backoffMs(a, 5000)), [5000, 10_000, 20_000, 40_000]);
    assert.equal(backoffMs(30, 5000), 3_600_000);
  });

  it('shows a webhook by scheme and host, a command by its first word', () => {
    assert.equal(maskUrl('https://user:pw@hooks.example.com/services/T0/B0/secret?x=1'), 'https://hooks.example.com/…');
    assert.equal(maskUrl('http://127.0.0.1:8080'), 'http://127.0.0.1:8080');
    assert.equal(maskCommand('curl -H "Authorization: Bearer x" https://x'), 'curl …');
  });

  it("tells each receiver once: the job's address, and the rules that ask for the event", () => {
    const job = { id: 1, uid: 1000, user: 'alice', mailUser: 'alice@example.com', notifyOn: null } as unknown as NoticeJob;
    const rule = (id: number, channel: NotifyRule['channel'], target: string, events: NotifyRule['events'], uid = 1000): NotifyRule => ({ id, uid, user: 'alice', channel, target, events, headers: {}, allUsers: false, createdAt: 0 });
    const rules = [rule(1, 'email', 'Alice@example.com', ['fail']), rule(2, 'webhook', 'http://x/', ['start']), rule(3, 'command', 'true', ['fail']), rule(4, 'command', 'true', ['fail'], 0)];
    const t = targetsFor(job, 'fail', rules);
    assert.deepEqual(t.map((x) => [x.channel, x.ruleId]), [['email', null], ['command', 3], ['command', 4]]);
    assert.deepEqual(targetsFor(job, 'start', rules).map((x) => x.ruleId), [2], 'a start is mailed only when --notify-on asks for it');
  });
});
