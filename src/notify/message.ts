// What a notification says: the JSON a webhook or command receives, and an e-mail's text.
import os from 'node:os';
import type { NotifyEvent } from '../core/notify-on.js';
import type { GflowEvent } from '../protocol/events.js';
import { NOTIFICATION_VERSION, type Notification, type NotificationJob } from '../protocol/notify.js';
import type { NoticeJob } from '../store/outbox.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function notificationJob(job: NoticeJob, now: number): NotificationJob {
  const end = job.finishedAt ?? now;
  return {
    id: job.id,
    name: job.name,
    user: job.user,
    state: job.state,
    exitCode: job.exitCode,
    signal: job.signal,
    endedBy: job.endedBy,
    submittedAt: new Date(job.submittedAt).toISOString(),
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
    durationSec: job.startedAt === null ? null : Math.max(0, Math.round((end - job.startedAt) / 1000)),
  };
}

export function notification(delivery: string, notify: NotifyEvent | 'test', event: GflowEvent | null, job: NotificationJob | null): Notification {
  return { v: NOTIFICATION_VERSION, delivery, notify, event, job, host: os.hostname() };
}

const VERB: Record<NotifyEvent | 'test', string> = { start: 'started', end: 'finished', fail: 'failed', timeout: 'reached its time limit', cancel: 'was cancelled', test: 'test' };

/** `1h 02m 03s`, `4m 05s`, `6s` */
export function duration(sec: number): string {
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m ${String(s).padStart(2, '0')}s`;
  if (m > 0) return `${m}m ${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

function jobTitle(j: NotificationJob): string {
  return `job ${j.id}${j.name ? ` (${j.name})` : ''}`;
}

export function emailSubject(n: Notification): string {
  if (!n.job) return `gflow on ${n.host}: test notification`;
  const code = n.job.exitCode !== null && n.notify !== 'start' ? `, exit ${n.job.exitCode}` : '';
  return `gflow: ${jobTitle(n.job)} ${VERB[n.notify]}${code}`;
}

/** Plain text: the job's name, state, exit code, duration, and the last lines of its log. */
export function emailText(n: Notification, logPath: string | null, logTail: string | null): string {
  if (!n.job) return `This is a test notification from gflow on ${n.host} (delivery ${n.delivery}).\nIf you read this, e-mail notifications reach you.\n`;
  const j = n.job;
  const rows: [string, string][] = [
    ['Job', `${j.id}${j.name ? ` (${j.name})` : ''}`],
    ['User', j.user],
    ['State', j.state],
    ['Exit code', j.exitCode === null ? '-' : `${j.exitCode}${j.signal ? ` (${j.signal})` : ''}`],
    ['Duration', j.durationSec === null ? '-' : duration(j.durationSec)],
    ['Submitted', j.submittedAt],
    ['Started', j.startedAt ?? '-'],
    ['Ended', j.finishedAt ?? '-'],
    ['Host', n.host],
  ];
  if (logPath) rows.push(['Log', logPath]);
  let text = `gflow ${jobTitle(j)} ${VERB[n.notify]}.\n\n${rows.map(([k, v]) => `${`${k}:`.padEnd(11)} ${v}`).join('\n')}\n`;
  if (logTail !== null) text += `\nLast lines of the log:\n\n${logTail.trimEnd()}\n`;
  return `${text}\n-- \ndelivery ${n.delivery}\n`;
}
