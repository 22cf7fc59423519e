// The HTTP API: every route the daemon serves, in one table, shared by CLI and daemon.
// All routes but /health need `Authorization: Bearer <token>`.
import type { DependsMode, Job } from './job.js';

export const API_PREFIX = '/v1';

export const ROUTES = {
  health: '/health',
  jobs: `${API_PREFIX}/jobs`, // GET list, POST submit
  batch: `${API_PREFIX}/jobs/batch`, // POST BatchRequest  →  JobsResponse
  info: `${API_PREFIX}/info`, // GET  →  InfoResponse
  gpuAllow: `${API_PREFIX}/gpus/allow`, // POST { indices: number[] | null }
  gpuIgnore: `${API_PREFIX}/gpus/ignore`, // POST { index, pid, ignore: boolean }
  job: (id: number) => `${API_PREFIX}/jobs/${id}`,
  jobAction: (id: number, action: JobAction) => `${API_PREFIX}/jobs/${id}/${action}`,
  resolve: `${API_PREFIX}/resolve`, // GET ?user=&back=N  →  the user's N-th most recent job
  close: `${API_PREFIX}/close`, // POST { ids?, allEnded? }
  daemon: `${API_PREFIX}/daemon`, // GET  →  DaemonInfo
} as const;

export const JOB_ACTIONS = ['cancel', 'hold', 'release', 'update', 'redo', 'why'] as const;
export type JobAction = (typeof JOB_ACTIONS)[number];

// Requests that change state carry this header; a retried request with the same key
// gets the first answer again instead of acting twice.
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** What a daemon runs with; a reload starts the replacement with the same `flags`. */
export interface DaemonInfo {
  pid: number;
  version: string;
  settings: { port: number; cpus: number; killGraceSec: number; gpus: string; gpuStrategy: string };
  /** the command-line overrides it was started with (`gflowd up --cpus 4 --gpus 0,2`) */
  flags: { port?: number; cpus?: number; gpus?: string };
}
export interface JobResponse {
  job: Job;
}
export interface JobsResponse {
  jobs: Job[];
}
/** Fields `gflow update` may change on a queued or held job. */
export interface UpdateRequest {
  name?: string;
  priority?: number;
  cpus?: number;
  timeLimitSec?: number | null;
  gpus?: number;
  dependsOn?: number[];
  dependsMode?: DependsMode;
  beginAt?: number | null;
  maxRetries?: number;
}

export interface RedoRequest {
  cascade?: boolean;
}

export interface WhyResponse {
  job: Job;
  lines: string[];
}

/** One GPU as nvidia-smi reports it. */
export interface GpuDevice {
  index: number;
  uuid: string;
  name: string;
  memoryTotalMb: number;
  memoryUsedMb: number;
  utilization: number;
}

export interface GpuInfo extends GpuDevice {
  allowed: boolean;
  /** jobs of gflow on this GPU */
  jobs: number[];
  /** processes gflow did not start, and whether they are ignored */
  foreign: { pid: number; usedMb: number; ignored: boolean }[];
}

export interface InfoResponse {
  gpus: GpuInfo[];
  gpuError: string | null;
  cpus: { total: number; used: number };
  counts: Record<string, number>;
  strategy: string;
}

export interface CloseRequest {
  ids?: number[];
  allEnded?: boolean;
}
export interface CloseResponse {
  closed: number[];
}
