// The job as it travels between daemon and CLI (JSON). Times are ISO 8601 strings.
import type { JobRecord } from '../core/job.js';
import type { NotifyEvent } from '../core/notify-on.js';

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

/** Fields of a job that stay inside the daemon. */
const PRIVATE_KEYS = ['env', 'token', 'stopRequest', 'stopRequestedAt', 'escalated', 'sessionClosed', 'pidStart', 'bootId'] as const;
type PrivateKey = (typeof PRIVATE_KEYS)[number];
/** Times travel as ISO 8601 strings. */
const TIME_KEYS = ['submittedAt', 'startedAt', 'finishedAt', 'beginAt'] as const;
type TimeKey = (typeof TIME_KEYS)[number];

/** The job as clients see it: the daemon's record (src/core/job.ts) without its private fields. */
export type Job = {
  [K in Exclude<keyof JobRecord, PrivateKey>]: K extends TimeKey ? (null extends JobRecord[K] ? string | null : string) : JobRecord[K];
} & {
  /** where the job's output is logged */
  logPath: string;
};

const PRIVATE = new Set<string>(PRIVATE_KEYS);
const TIMES = new Set<string>(TIME_KEYS);

// Wire jobs are copied from a template with every field in place (made from the first
// record): filled key by key from {}, an object of this many fields becomes a hash table,
// three times the memory and slower to serialize. A record with another number of fields
// than the template's is copied field by field (records all have every field: JobRecord).
let template: { keys: number; object: Record<string, unknown> } | undefined;

export function toWireJob(record: JobRecord, logPath: string): Job {
  const r = record as unknown as Record<string, unknown>;
  if (!template) {
    const keys = Object.keys(r).filter((k) => !PRIVATE.has(k));
    template = { keys: keys.length, object: Object.fromEntries([['logPath', null], ...keys.map((k) => [k, null])]) };
  }
  const out: Record<string, unknown> = { ...template.object };
  out.logPath = logPath;
  let filled = 0;
  for (const k in r) {
    if (PRIVATE.has(k)) continue;
    const v = r[k];
    out[k] = v !== null && TIMES.has(k) ? new Date(v as number).toISOString() : v;
    filled++;
  }
  if (filled === template.keys) return out as Job;
  const own: Record<string, unknown> = { logPath };
  for (const k in r) if (!PRIVATE.has(k)) own[k] = out[k];
  return own as Job;
}

/** `all`: every dependency must finish; `any`: one finished dependency is enough. */
export type DependsMode = 'all' | 'any';

/** What a dependency waits for, as in Slurm (src/core/deps.ts). */
export const DEP_KINDS = ['afterok', 'afterany', 'afternotok', 'aftercorr'] as const;
export type DepKind = (typeof DEP_KINDS)[number];

export interface SubmitRequest {
  name?: string;
  command?: string[];
  /** absolute path to a script file */
  script?: string;
  /** script text (`gflow submit -`); stored by the daemon */
  scriptText?: string;
  /** with scriptText: the file it was read from, for display */
  scriptPath?: string;
  cwd: string;
  env: Record<string, string>;
  /** ignored by the daemon (it learns the caller from the kernel); kept for older daemons */
  user?: string;
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
  /** the kind of each dependency, in the order of dependsOn (default: all afterok) */
  dependsKinds?: DepKind[];
  /** wait while another job of this name and user is active (Slurm's `-d singleton`) */
  singleton?: boolean;
  /** cancel this job when a dependency can no longer succeed (default true) */
  autoCancel?: boolean;
  maxConcurrent?: number;
  maxRetries?: number;
  retryOnTimeout?: boolean;
  /** ms since the epoch: do not start before */
  beginAt?: number;
  /** -P/--project: for quotas and accounting; the `projects` setting may limit the names */
  project?: string;
  /** --mem: host memory the job needs, in MiB */
  memMb?: number;
  /** --max-log: bytes of output the job's log keeps */
  maxLogBytes?: number;
  /** file patterns that also get the job's stdout / stderr (src/core/output-path.ts) */
  outputPath?: string;
  errorPath?: string;
  /** a conda environment the wrapper activates */
  condaEnv?: string;
  /** remove the job's tmux session when it ends */
  autoClose?: boolean;
  /** a signal sent warnBeforeSec seconds before the time limit (needs timeLimitSec) */
  warnSignal?: string;
  warnBeforeSec?: number;
  /** requeue under the same id when it fails or times out, up to maxRetries times */
  requeue?: boolean;
  /** an e-mail address told of this job (--mail-user / --notify-email) */
  mailUser?: string;
  /** what mailUser is told of (default: every end) */
  notifyOn?: NotifyEvent[];
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
  /** personal: one user's daemon; shared: the machine's, for every user */
  mode?: 'personal' | 'shared';
}
