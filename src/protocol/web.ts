// The web dashboard's part of the API (routes in src/protocol/api.ts). The browser logs in
// once with a one-time code that `gflow ui` asks for; from then on it carries a session
// cookie, and every request that changes something also carries UI_HEADER.
import type { Job, JobState } from './job.js';

/** A one-time login code lives this long: `gflow ui` prints it and the browser redeems it at once. */
export const LOGIN_CODE_TTL_MS = 60_000;
/** A browser session lasts this long (then `gflow ui` again). */
export const SESSION_TTL_MS = 7 * 24 * 3600_000;
/** Sent by the page on every request that changes state; a cross-site form cannot set it. */
export const UI_HEADER = 'x-gflow-ui';
/** The login code travels in the URL's fragment, which browsers never send to a server. */
export const LOGIN_FRAGMENT = 'login';

/** The session cookie's name: per port, since cookies are per host and not per port. */
export function sessionCookieName(port: number): string {
  return `gflow_session_${port}`;
}

export interface LoginCodeResponse {
  code: string;
  /** ISO time */
  expiresAt: string;
  /** path and fragment to open on the daemon's address: `/ui/#login=CODE` */
  path: string;
}

/** Who the browser acts as. */
export interface UiWho {
  user: string;
  admin: boolean;
  mode: 'personal' | 'shared';
  /**
   * A login environment (HOME, USER, LOGNAME, SHELL, a standard PATH, LANG) from the account:
   * a redo sends it, since an ended job keeps no environment and a browser has none to give.
   */
  loginEnv: Record<string, string>;
}

/** Response headers of GET jobs/:id/log: where the bytes start and how long the log is. */
export const LOG_START_HEADER = 'x-gflow-log-start';
export const LOG_SIZE_HEADER = 'x-gflow-log-size';
/** At most this many bytes of a log in one answer without follow (a tail is cut to it too). */
export const LOG_MAX_BYTES = 8 * 1024 * 1024;

export interface RelatedJob {
  id: number;
  name: string | null;
  state: JobState;
  user: string;
}

/** GET jobs/:id/related: the jobs around one: what it waits for, what waits for it, its retries and redos. */
export interface RelatedResponse {
  job: Job;
  dependsOn: RelatedJob[];
  dependents: RelatedJob[];
  /** jobs that retried or redid this one, and the ones it retried or redid */
  family: RelatedJob[];
}

export interface GpuSample {
  index: number;
  /** percent */
  util: number;
  memUsedMb: number;
  memTotalMb: number;
}

export interface Sample {
  /** ms since the epoch */
  at: number;
  running: number;
  /** queued and held */
  queued: number;
  gpus: GpuSample[];
}

export interface SamplesResponse {
  samples: Sample[];
  /** how often the daemon takes one */
  intervalMs: number;
}
