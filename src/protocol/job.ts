// The job as it travels between daemon and CLI (JSON). Times are ISO 8601 strings.

export const JOB_STATES = ['queued', 'hold', 'running', 'finished', 'failed', 'cancelled', 'timeout'] as const;
export type JobState = (typeof JOB_STATES)[number];

// Short codes as users of gflow and Slurm know them.
export const STATE_CODES: Record<JobState, string> = {
  queued: 'PD',
  hold: 'H',
  running: 'R',
  finished: 'CD',
  failed: 'F',
  cancelled: 'CA',
  timeout: 'TO',
};

export const ACTIVE_STATES: readonly JobState[] = ['queued', 'hold', 'running'];
export const ENDED_STATES: readonly JobState[] = ['finished', 'failed', 'cancelled', 'timeout'];

export function isJobState(value: string): value is JobState {
  return (JOB_STATES as readonly string[]).includes(value);
}

// Accepts a state name or its short code, in any case.
export function parseJobState(value: string): JobState | undefined {
  const v = value.trim().toLowerCase();
  if (isJobState(v)) return v;
  const byCode = JOB_STATES.find((s) => STATE_CODES[s].toLowerCase() === v);
  return byCode;
}

// How a job ended: `natural` exit, `soft` (stopped by SIGTERM within the grace period),
// `hard` (SIGKILL after the grace period).
export type EndedBy = 'natural' | 'soft' | 'hard';

export interface Job {
  id: number;
  name: string | null;
  state: JobState;
  /** argv of a command job; null for a script job */
  command: string[] | null;
  /** absolute path of a script job; null for a command job */
  script: string | null;
  cwd: string;
  user: string;
  priority: number;
  cpus: number;
  timeLimitSec: number | null;
  reason: string | null;
  submittedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  exitCode: number | null;
  signal: string | null;
  endedBy: EndedBy | null;
  session: string | null;
  pid: number | null;
  logPath: string;
  gpus: number;
  gpuShared: boolean;
  gpuMemoryMb: number | null;
  /** GPU indices given to the job when it started (CUDA_VISIBLE_DEVICES) */
  gpuIds: number[] | null;
  dependsOn: number[];
  dependsMode: DependsMode;
  autoCancel: boolean;
  groupId: string | null;
  maxConcurrent: number | null;
  arrayTaskId: number | null;
  params: Record<string, string> | null;
  maxRetries: number;
  retryOnTimeout: boolean;
  attempt: number;
  retriedFrom: number | null;
  redoneFrom: number | null;
  beginAt: string | null;
}

/** `all`: every dependency must finish; `any`: one finished dependency is enough. */
export type DependsMode = 'all' | 'any';

export interface SubmitRequest {
  name?: string;
  command?: string[];
  /** absolute path to a script file */
  script?: string;
  /** script text (`gflow submit -`); stored by the daemon */
  scriptText?: string;
  cwd: string;
  env: Record<string, string>;
  user: string;
  priority?: number;
  cpus?: number;
  timeLimitSec?: number;
  hold?: boolean;
  gpus?: number;
  /** share GPUs with other shared jobs within their memory (needs gpuMemoryMb) */
  shared?: boolean;
  gpuMemoryMb?: number;
  dependsOn?: number[];
  dependsMode?: DependsMode;
  /** cancel this job when a dependency can no longer succeed (default true) */
  autoCancel?: boolean;
  maxConcurrent?: number;
  maxRetries?: number;
  retryOnTimeout?: boolean;
  /** ms since the epoch: do not start before */
  beginAt?: number;
}

/** One task of an array or sweep: what differs from the batch's base request. */
export interface TaskSpec {
  command?: string[];
  name?: string;
  arrayTaskId?: number;
  params?: Record<string, string>;
  /** this task's own script text (a sweep over a script substitutes its {name}s) */
  scriptText?: string;
}

/** An array or sweep, submitted and committed as one: all of it or none of it. */
export interface BatchRequest {
  base: SubmitRequest;
  tasks: TaskSpec[];
}

export interface ListQuery {
  states?: JobState[];
  ids?: number[];
  all?: boolean;
  limit?: number;
  user?: string;
}

export interface Health {
  status: 'ok';
  pid: number;
  version: string;
  protocol: number;
  startedAt: string;
  /** whether this daemon holds the scheduling lease (false while a reload hands over) */
  scheduling: boolean;
}
