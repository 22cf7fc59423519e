// The event stream: GET /v1/events (Server-Sent Events). Every change the daemon makes is an
// event with an increasing id, written in the same transaction as the change; a client that
// reconnects with `Last-Event-ID` (to the same daemon or to its replacement after a reload or
// a crash) gets every event it missed, in order, once.
import type { EndedBy, JobState } from './job.js';

/** Bumped when an event's shape changes incompatibly; sent as `v` in every event. */
export const EVENTS_VERSION = 1;

export const JOB_EVENT_TYPES = [
  'job.submitted',
  'job.started',
  'job.ended', // finished, failed or timeout; `endedBy` says how
  'job.cancelled',
  'job.held',
  'job.released',
  'job.requeued',
  'job.updated',
] as const;
export const DAEMON_EVENT_TYPES = ['daemon.started', 'daemon.stopped', 'daemon.lease_taken', 'daemon.reload_begun', 'daemon.reload_done', 'gpus.changed'] as const;
export const EVENT_TYPES = [...JOB_EVENT_TYPES, ...DAEMON_EVENT_TYPES] as const;
export type JobEventType = (typeof JOB_EVENT_TYPES)[number];
export type DaemonEventType = (typeof DAEMON_EVENT_TYPES)[number];
export type EventType = (typeof EVENT_TYPES)[number];

/** What a job event says of the job after the change (no command or environment: anyone may read the stream). */
export interface JobEventData {
  id: number;
  name: string | null;
  user: string;
  state: JobState;
  reason: string | null;
  exitCode: number | null;
  endedBy: EndedBy | null;
  gpuIds: number[] | null;
  /** for job.updated: the fields that changed */
  fields?: string[];
}

/** One event, as sent in an SSE message's `data:` (its `id:` and `event:` repeat id and type). */
export interface GflowEvent {
  v: typeof EVENTS_VERSION;
  id: number;
  type: EventType;
  /** ISO time with zone */
  at: string;
  /** the job's id, for job events */
  job: number | null;
  data: JobEventData | Record<string, unknown>;
}

/** Sent when a stream opens: the newest event's id at that moment. */
export const LAST_EVENT_HEADER = 'x-gflow-last-event-id';

/** Set by `gflowd reload` on the replacement it starts: the pid of the daemon it replaces (its events say so). */
export const RELOAD_OF_ENV = 'GFLOW_RELOAD_OF';
/** Set with it: `pid starttime` of the reload command; the replacement stops if that is gone before the hand-over. */
export const RELOAD_BY_ENV = 'GFLOW_RELOAD_BY';

export function isEventType(s: string): s is EventType {
  return (EVENT_TYPES as readonly string[]).includes(s);
}

/** GET /v1/events?after=ID&tail=N&job=ID&types=a,b&follow=0 — without `follow=0` the answer stays open. */
export interface EventsQuery {
  /** events with a greater id; the `Last-Event-ID` header wins */
  after?: number;
  /** without `after`: the newest N events first (default: none when following, 100 otherwise) */
  tail?: number;
  job?: number;
  types?: EventType[];
  follow: boolean;
}
