// Turns each event, inside the transaction that appends it, into one outbox row per target
// that asked for it: the job's own --mail-user (with --notify-on), and the standing rules that
// see the job (its owner's, and an admin's rules for every user). A rolled-back change leaves
// no notification; a committed one always has its notifications.
import crypto from 'node:crypto';
import { DEFAULT_NOTIFY_EVENTS, notifyEventOf, type NotifyEvent } from '../core/notify-on.js';
import { EVENTS_VERSION, type GflowEvent, type JobEventData } from '../protocol/events.js';
import type { NotifyChannel } from '../protocol/notify.js';
import type { NewEvent } from '../store/events.js';
import type { NotifyRule, NotifyRules } from '../store/notify-rules.js';
import type { NoticeJob, Outbox } from '../store/outbox.js';
import { notification, notificationJob } from './message.js';

export interface Target {
  ruleId: number | null;
  uid: number | null;
  user: string;
  channel: NotifyChannel;
  target: string;
  headers: Record<string, string>;
}

/** Who is told of `what` about `job`. */
export function targetsFor(job: NoticeJob, what: NotifyEvent, rules: NotifyRule[]): Target[] {
  const out: Target[] = [];
  if (job.mailUser && (job.notifyOn ?? DEFAULT_NOTIFY_EVENTS).includes(what)) {
    out.push({ ruleId: null, uid: job.uid, user: job.user, channel: 'email', target: job.mailUser, headers: {} });
  }
  for (const r of rules) {
    if (r.events.includes(what)) out.push({ ruleId: r.id, uid: r.uid, user: r.user, channel: r.channel, target: r.target, headers: r.headers });
  }
  // One message per receiver: a rule that mails the job's own address, or two equal rules, send once.
  const seen = new Set<string>();
  return out.filter((t) => {
    const key = JSON.stringify([t.channel, t.channel === 'email' ? t.target.toLowerCase() : t.target, t.channel === 'command' ? t.uid : null, t.headers]);
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

export function outboxWriter(o: { outbox: Outbox; rules: NotifyRules; onQueued: () => void }): (e: NewEvent) => void {
  return (e) => {
    if (e.job === null) return;
    const data = e.data as JobEventData;
    const what = notifyEventOf(e.type, data.state);
    if (what === null) return;
    const job = o.outbox.noticeJob(e.job);
    if (!job) return;
    const targets = targetsFor(job, what, o.rules.forJobOf(job.uid, job.user));
    if (targets.length === 0) return;
    const event: GflowEvent = { v: EVENTS_VERSION, id: e.id, type: e.type, at: new Date(e.at).toISOString(), job: e.job, data };
    const snapshot = notificationJob(job, e.at);
    for (const t of targets) {
      const key = crypto.randomUUID();
      o.outbox.enqueue({ ...t, key, eventId: e.id, jobId: job.id, payload: JSON.stringify(notification(key, what, event, snapshot)), at: e.at });
    }
    o.onQueued();
  };
}

/** `gflow notify test`: one delivery per rule, sent like any other. */
export function enqueueTest(outbox: Outbox, rules: NotifyRule[], now: number): number[] {
  return rules.map((r) => {
    const key = crypto.randomUUID();
    return outbox.enqueue({ key, eventId: null, ruleId: r.id, jobId: null, uid: r.uid, user: r.user, channel: r.channel, target: r.target, headers: r.headers, payload: JSON.stringify(notification(key, 'test', null, null)), at: now });
  });
}
