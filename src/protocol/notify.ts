// Notifications on the wire: standing rules (`gflow notify …`), deliveries waiting in the
// outbox, and what a receiver gets (a webhook's body, a command's stdin). Versioned: `v`.
import type { GflowEvent } from './events.js';
import type { EndedBy, JobState, NotifyEvent } from './job.js';

/** Bumped when a notification's shape changes incompatibly; sent as `v`. */
export const NOTIFICATION_VERSION = 1;

export const NOTIFY_CHANNELS = ['webhook', 'command', 'email'] as const;
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number];

/** Carries the delivery's id: a receiver that saw it already drops the repeat. */
export const DELIVERY_HEADER = 'x-gflow-delivery';
export const EVENT_HEADER = 'x-gflow-event';

/** A standing rule as `notify list` shows it: secrets (header values, URL paths) masked. */
export interface NotifyRuleView {
  id: number;
  user: string;
  channel: NotifyChannel;
  /** the URL (masked), command or address */
  target: string;
  events: NotifyEvent[];
  /** header names; their values are never shown */
  headers: string[];
  /** an admin's rule for every user's jobs */
  allUsers: boolean;
  createdAt: string;
}

export type DeliveryState = 'pending' | 'delivered' | 'failed';

export interface DeliveryView {
  id: number;
  /** sent as DELIVERY_HEADER and `delivery` */
  key: string;
  ruleId: number | null;
  jobId: number | null;
  user: string;
  channel: NotifyChannel;
  target: string;
  event: NotifyEvent | 'test';
  state: DeliveryState;
  attempts: number;
  nextAt: string | null;
  lastError: string | null;
  createdAt: string;
}

/** What a job's notification says of it (a snapshot taken with the change). */
export interface NotificationJob {
  id: number;
  name: string | null;
  user: string;
  state: JobState;
  exitCode: number | null;
  signal: string | null;
  endedBy: EndedBy | null;
  submittedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** seconds from start to end (or to now, for a start) */
  durationSec: number | null;
}

/** A webhook's JSON body and a command's stdin. */
export interface Notification {
  v: typeof NOTIFICATION_VERSION;
  /** the delivery's id (also in DELIVERY_HEADER): the same on every retry */
  delivery: string;
  /** start, end, fail, timeout, cancel; test for `gflow notify test` */
  notify: NotifyEvent | 'test';
  /** the event of the change (GET /v1/events), null for a test */
  event: GflowEvent | null;
  job: NotificationJob | null;
  host: string;
}

/** POST /v1/notify/rules */
export interface NotifyRuleRequest {
  channel: NotifyChannel;
  target: string;
  events?: NotifyEvent[];
  headers?: Record<string, string>;
  allUsers?: boolean;
}

export interface NotifyListResponse {
  rules: NotifyRuleView[];
  /** waiting to be sent or retried, and given up on (newest first, bounded) */
  deliveries: DeliveryView[];
}

/** POST /v1/notify/test { rule?: id } → the deliveries queued now */
export interface NotifyTestResponse {
  deliveries: DeliveryView[];
}
