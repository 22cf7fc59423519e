// What a notification is about: the names users give to --notify-on and `notify add --events`,
// which change of a job each name means, and how long a failed delivery waits to be retried.
import type { EventType } from '../protocol/events.js';
import { NOTIFY_EVENTS, type JobState, type NotifyEvent } from '../protocol/job.js';

export { NOTIFY_EVENTS, type NotifyEvent } from '../protocol/job.js';

/** Without a choice: every way a job can end. */
export const DEFAULT_NOTIFY_EVENTS: readonly NotifyEvent[] = ['end', 'fail', 'timeout', 'cancel'];

// gflow's (Rust) and Slurm's names for the same things.
const ALIASES: Record<string, NotifyEvent> = {
  begin: 'start',
  started: 'start',
  job_started: 'start',
  finished: 'end',
  completed: 'end',
  job_completed: 'end',
  failed: 'fail',
  job_failed: 'fail',
  time_limit: 'timeout',
  job_timeout: 'timeout',
  cancelled: 'cancel',
  job_cancelled: 'cancel',
};

/** An address as mail servers take it: local part @ a domain of letters, digits and hyphens. */
export const EMAIL_ADDRESS = /^[^\s@<>(),;:"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*$/;

export function isNotifyEvent(s: string): s is NotifyEvent {
  return (NOTIFY_EVENTS as readonly string[]).includes(s);
}

/** `start,fail` or `all` → the names; throws an Error that says what is allowed. */
export function parseNotifyEvents(text: string): NotifyEvent[] {
  const out = new Set<NotifyEvent>();
  for (const raw of text.split(',')) {
    const w = raw.trim().toLowerCase();
    if (w === '') continue;
    if (w === 'all' || w === '*') NOTIFY_EVENTS.forEach((e) => out.add(e));
    else if (isNotifyEvent(w)) out.add(w);
    else if (ALIASES[w]) out.add(ALIASES[w]);
    else throw new Error(`unknown event '${raw.trim()}': use ${NOTIFY_EVENTS.join(', ')} or all`);
  }
  if (out.size === 0) throw new Error(`no events given: use ${NOTIFY_EVENTS.join(', ')} or all`);
  return NOTIFY_EVENTS.filter((e) => out.has(e));
}

/** The notification a job event is, if any: `end` is a job that finished with exit 0. */
export function notifyEventOf(type: EventType, state: JobState): NotifyEvent | null {
  if (type === 'job.started') return 'start';
  if (type === 'job.cancelled') return 'cancel';
  if (type !== 'job.ended') return null;
  if (state === 'finished') return 'end';
  if (state === 'failed') return 'fail';
  if (state === 'timeout') return 'timeout';
  return null;
}

/** The wait before retry `attempt` (1 for the first retry): doubling from `baseMs`, at most an hour. */
export function backoffMs(attempt: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempt - 1), 3_600_000);
}
