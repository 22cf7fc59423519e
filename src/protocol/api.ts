// The HTTP API: every route the daemon serves, in one table, shared by CLI and daemon.
// All routes but /health need `Authorization: Bearer <token>`.
import type { Job, SubmitRequest } from './job.js';

export const API_PREFIX = '/v1';

export const ROUTES = {
  health: '/health',
  jobs: `${API_PREFIX}/jobs`, // GET list, POST submit
  job: (id: number) => `${API_PREFIX}/jobs/${id}`,
  jobAction: (id: number, action: JobAction) => `${API_PREFIX}/jobs/${id}/${action}`,
  resolve: `${API_PREFIX}/resolve`, // GET ?user=&back=N  →  the user's N-th most recent job
  close: `${API_PREFIX}/close`, // POST { ids?, allEnded? }
  daemon: `${API_PREFIX}/daemon`, // GET  →  DaemonInfo
} as const;

export const JOB_ACTIONS = ['cancel', 'hold', 'release', 'close'] as const;
export type JobAction = (typeof JOB_ACTIONS)[number];

// Requests that change state carry this header; a retried request with the same key
// gets the first answer again instead of acting twice.
export const IDEMPOTENCY_HEADER = 'idempotency-key';

export type SubmitBody = SubmitRequest;

/** What a daemon runs with; a reload starts the replacement with the same `flags`. */
export interface DaemonInfo {
  pid: number;
  version: string;
  settings: { port: number; cpus: number; killGraceSec: number };
  /** the command-line overrides it was started with (`gflowd up --cpus 4`) */
  flags: { port?: number; cpus?: number };
}
export interface JobResponse {
  job: Job;
}
export interface JobsResponse {
  jobs: Job[];
}
export interface CloseRequest {
  ids?: number[];
  allEnded?: boolean;
}
export interface CloseResponse {
  closed: number[];
}
