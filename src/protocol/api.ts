// The HTTP API: every route the daemon serves, in one table, shared by CLI and daemon.
// All routes but /health need `Authorization: Bearer <token>`.
import type { DependsMode, DepKind, Job } from './job.js';
import type { Quota, QuotaLimits, QuotaScope, Reservation } from './policy.js';
import type { WaitReason } from './wait-reason.js';

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
  usage: `${API_PREFIX}/usage`, // GET  →  UsageResponse (fair share)
  quotas: `${API_PREFIX}/quotas`, // GET  →  QuotasResponse; POST QuotaSetRequest (root)
  quotaRemove: `${API_PREFIX}/quotas/remove`, // POST QuotaTarget (root)
  reservations: `${API_PREFIX}/reservations`, // GET  →  ReservationsResponse; POST ReservationRequest (root)
  reservationCancel: (id: number) => `${API_PREFIX}/reservations/${id}/cancel`, // POST (root)
  clean: `${API_PREFIX}/clean`, // POST CleanRequest  →  CleanResponse
  dryRun: `${API_PREFIX}/jobs/dry-run`, // POST SubmitRequest | BatchRequest  →  DryRunResponse; writes nothing
  tokenRotate: `${API_PREFIX}/token/rotate`, // POST  →  { rotated: true } (personal mode; the new token is in the owner's token file only)
  jobActions: `${API_PREFIX}/jobs/actions`, // POST JobActionsRequest  →  JobActionsResponse (one transaction)
  events: `${API_PREFIX}/events`, // GET ?after=&job=&types=&follow=0  →  text/event-stream (src/protocol/events.ts)
  notify: `${API_PREFIX}/notify`, // GET  →  NotifyListResponse (src/protocol/notify.ts)
  notifyRules: `${API_PREFIX}/notify/rules`, // POST NotifyRuleRequest  →  { rule }
  notifyRemove: `${API_PREFIX}/notify/remove`, // POST { id }
  notifyTest: `${API_PREFIX}/notify/test`, // POST { rule? }  →  NotifyTestResponse
  // The web dashboard (src/protocol/web.ts): the page, its login and what only it asks for.
  ui: '/ui',
  uiLoginCode: `${API_PREFIX}/ui/login-code`, // POST  →  LoginCodeResponse (what `gflow ui` asks for)
  uiSession: `${API_PREFIX}/ui/session`, // POST { code }  →  sets the session cookie; GET  →  UiWho
  uiLogout: `${API_PREFIX}/ui/logout`, // POST  →  ends the browser's session
  jobLog: (id: number) => `${API_PREFIX}/jobs/${id}/log`, // GET ?offset=&tail=&follow=1  →  the log's bytes (owner only in shared mode)
  jobRelated: (id: number) => `${API_PREFIX}/jobs/${id}/related`, // GET  →  RelatedResponse
  samples: `${API_PREFIX}/samples`, // GET ?since=ms  →  SamplesResponse (the last 24 hours, a sample a minute)
  stats: `${API_PREFIX}/stats`, // GET ?since=ms&user=&all=1&project=  →  StatsResponse (src/protocol/stats.ts)
} as const;

export const JOB_ACTIONS = ['cancel', 'hold', 'release', 'update', 'redo', 'why', 'signal', 'send', 'limit', 'requeue'] as const;
export type JobAction = (typeof JOB_ACTIONS)[number];

// Requests that change state carry this header; a retried request with the same key
// gets the first answer again instead of acting twice.
export const IDEMPOTENCY_HEADER = 'idempotency-key';

// Every answer names the daemon's protocol version (src/protocol/version.ts); the CLI refuses
// to go on with another one and says what to do.
export const PROTOCOL_HEADER = 'x-gflow-protocol';

/** What a daemon runs with; a reload starts the replacement with the same `flags`. */
export interface DaemonInfo {
  pid: number;
  version: string;
  settings: { port: number; cpus: number; killGraceSec: number; gpus: string; gpuStrategy: string; retention?: string };
  /** the command-line overrides it was started with (`gflowd up --cpus 4 --gpus 0,2`) */
  flags: { port?: number; cpus?: number; gpus?: string; executor?: 'tmux' | 'slurm'; partition?: string; account?: string; qos?: string };
  /** whether it schedules (holds the lease), and how long its last scheduling pass took */
  scheduler?: { leader: boolean; lastPassMs: number | null };
  /** clients on the event stream */
  eventListeners?: number;
}
export interface JobResponse {
  job: Job;
}
/** GET resolve: the user's N-th most recent submission (`@`, `@~N`). */
export interface ResolveResponse {
  /** the newest job of the submission */
  job: Job;
  /** every job of it (an array or sweep is one submission) */
  jobs: Job[];
}
export interface JobsResponse {
  jobs: Job[];
}
/** cancel, hold or release many jobs (ranges, whole arrays) in one request and one transaction. */
export interface JobActionsRequest {
  action: 'cancel' | 'hold' | 'release';
  ids: number[];
  /** release: start no earlier than this (ms since the epoch) */
  at?: number;
}
/** Each job's outcome, in the order asked: the job after the action, or why not. */
export interface JobActionsResponse {
  results: ({ id: number; job: Job } | { id: number; error: { code: string; message: string; hint?: string } })[];
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
  dependsKinds?: DepKind[] | null;
  beginAt?: number | null;
  maxRetries?: number;
}

/** POST jobs/:id/signal { signal: 'USR1' }  →  { signal: 'SIGUSR1', processes: 3 } */
export interface SignalResponse {
  signal: string;
  processes: number;
}

export interface RedoRequest {
  cascade?: boolean;
  /** the environment to run with (an ended job keeps no copy of its own) */
  env?: Record<string, string>;
}

/** `gflow why`: for a queued job, what the planner decides and what it decides it from. */
export interface WhyResponse {
  job: Job;
  wait?: {
    /** what keeps it from starting now; null: it starts at the next pass */
    reason: WaitReason | null;
    /** its place in the queue's order (priority, then fair-share usage, then submission), from 1 */
    place: number;
    queued: number;
    dependencies: { id: number; state: string; kind?: DepKind }[];
    cpus: { total: number; free: number; holders: { id: number; cpus: number }[] };
    /** the GPUs and who holds or blocks them (for a job that asks for GPUs) */
    gpus: GpuInfo[];
    gpuError: string | null;
    /** fair share: the owner's usage and that of every user with queued jobs, lowest first */
    fairShare?: FairShareInfo;
    /** host memory, for a job that declared --mem (null: unknown) */
    memory?: MemoryInfo | null;
  };
}

export interface FairShareInfo {
  user: string;
  usage: number;
  /** users with queued jobs, in the order their equal-priority jobs go */
  users: { user: string; usage: number }[];
  halfLifeHours: number;
  gpuWeight: number;
}

export interface MemoryInfo {
  totalMb: number;
  /** MemAvailable */
  availableMb: number;
  /** what running jobs declared with --mem */
  declaredMb: number;
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
  /** the same jobs with their owners (who holds each GPU) */
  holders: { job: number; user: string }[];
  /**
   * processes that block it: not started by gflow (job null), or a gflow job's process that
   * does not hold this GPU (a leftover of an ended job, or a job using a GPU it was not given);
   * lock: the GPU's lock is held by a job of another gflow daemon (pid: who took it)
   */
  foreign: { pid: number; usedMb: number; ignored: boolean; job: number | null; lock?: boolean }[];
}

export interface InfoResponse {
  gpus: GpuInfo[];
  gpuError: string | null;
  cpus: { total: number; used: number };
  counts: Record<string, number>;
  strategy: string;
  /** executor slurm: the cluster's nodes, as sinfo shows them */
  slurm?: SlurmClusterInfo;
}

/** A Slurm cluster's nodes (the daemon's partition, or every partition). */
export interface SlurmClusterInfo {
  /** the partition jobs go to; '' for the cluster's default */
  partition: string;
  nodes: SlurmNodeInfo[];
  /** sinfo failed: why */
  error: string | null;
}

export interface SlurmNodeInfo {
  name: string;
  partition: string;
  /** idle, mixed, allocated, down, drained, … */
  state: string;
  cpus: { allocated: number; idle: number; total: number };
  /** generic resources, e.g. gpu:a100:4; empty when none */
  gres: string;
  memoryMb: number;
}

/** `gflow submit --dry-run`: the jobs as they would be stored, and whether each could start now. */
export interface DryRunResponse {
  jobs: {
    name: string | null;
    command: string[] | null;
    arrayTaskId: number | null;
    params: Record<string, string> | null;
    dependsOn: number[];
    dependsKinds: DepKind[] | null;
    /** null: it would start at once; else what the planner says keeps it waiting */
    reason: WaitReason | null;
    held: boolean;
  }[];
}

/** `gflow clean`: ended jobs (of these states, ended more than olderThanSec ago) removed. */
export interface CleanRequest {
  olderThanSec?: number;
  states?: string[];
  dryRun?: boolean;
}
export interface CleanResponse {
  /** removed (or, with dryRun, that would be) */
  removed: number[];
  /** kept because a waiting or running job depends on them */
  kept: number[];
  dryRun: boolean;
}

export interface CloseRequest {
  ids?: number[];
  allEnded?: boolean;
}
export interface CloseResponse {
  closed: number[];
}

/** `gflow share`: every user's fair-share usage now, lowest first (the order among equal priorities). */
export interface UsageResponse {
  users: { user: string; cpuHours: number; gpuHours: number; usage: number; jobs: number; running: number; queued: number }[];
  halfLifeHours: number;
  gpuWeight: number;
}

/** Whose quota: a user, a project, or the default for users without their own. */
export interface QuotaTarget {
  scope: QuotaScope;
  /** '' for the default */
  name: string;
}
/** Limits to set: a number, null for no limit; a limit not given is kept. */
export type QuotaSetRequest = QuotaTarget & Partial<QuotaLimits>;
export interface QuotasResponse {
  quotas: Quota[];
}

/** A reservation to make: `gpus` (any N GPUs) or `gpuIds` (these GPUs). */
export interface ReservationRequest {
  user: string;
  gpus?: number;
  gpuIds?: number[];
  startAt: number;
  endAt: number;
}
export interface ReservationsResponse {
  /** not cancelled and not ended, by start */
  reservations: Reservation[];
  /** the GPU indices the daemon knows (for a timeline) */
  gpus: number[];
  now: number;
}
