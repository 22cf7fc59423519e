// The shape of a job in the database, and how it becomes a job on the wire.
import type { DependsMode, EndedBy, Job, JobState } from '../protocol/job.js';

export interface NewJob {
  name: string | null;
  user: string;
  command: string[] | null;
  script: string | null;
  cwd: string;
  env: Record<string, string>;
  priority: number;
  cpus: number;
  timeLimitSec: number | null;
  hold: boolean;
  token: string;
  gpus: number;
  gpuShared: boolean;
  gpuMemoryMb: number | null;
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
  beginAt: number | null;
}

/** Defaults for the fields added after the first release. */
export const NEW_JOB_DEFAULTS = {
  gpus: 0,
  gpuShared: false,
  gpuMemoryMb: null,
  dependsOn: [],
  dependsMode: 'all',
  autoCancel: true,
  groupId: null,
  maxConcurrent: null,
  arrayTaskId: null,
  params: null,
  maxRetries: 0,
  retryOnTimeout: false,
  attempt: 0,
  retriedFrom: null,
  redoneFrom: null,
  beginAt: null,
} as const satisfies Partial<NewJob>;

export interface JobRow {
  id: number;
  name: string | null;
  user: string;
  command: string | null;
  script: string | null;
  cwd: string;
  env: string;
  priority: number;
  cpus: number;
  time_limit_sec: number | null;
  state: JobState;
  reason: string | null;
  submitted_at: number;
  started_at: number | null;
  finished_at: number | null;
  exit_code: number | null;
  signal: string | null;
  ended_by: EndedBy | null;
  session: string | null;
  pid: number | null;
  token: string;
  stop_request: 'cancel' | 'timeout' | null;
  stop_requested_at: number | null;
  escalated: number;
  session_closed: number;
  gpus: number;
  gpu_shared: number;
  gpu_memory_mb: number | null;
  gpu_ids: string | null;
  depends_on: string | null;
  depends_mode: DependsMode;
  auto_cancel: number;
  group_id: string | null;
  max_concurrent: number | null;
  array_task_id: number | null;
  params: string | null;
  max_retries: number;
  retry_on_timeout: number;
  attempt: number;
  retried_from: number | null;
  redone_from: number | null;
  begin_at: number | null;
}

/** A job row without the bulky fields (environment, command). */
export type SlimRow = Omit<JobRow, 'env' | 'command'>;
export const SLIM_COLUMNS = [
  'id', 'name', 'user', 'script', 'cwd', 'priority', 'cpus', 'time_limit_sec', 'state', 'reason', 'submitted_at', 'started_at', 'finished_at',
  'exit_code', 'signal', 'ended_by', 'session', 'pid', 'token', 'stop_request', 'stop_requested_at', 'escalated', 'session_closed', 'gpus',
  'gpu_shared', 'gpu_memory_mb', 'gpu_ids', 'depends_on', 'depends_mode', 'auto_cancel', 'group_id', 'max_concurrent', 'array_task_id',
  'params', 'max_retries', 'retry_on_timeout', 'attempt', 'retried_from', 'redone_from', 'begin_at',
].join(', ');

export const PLAN_COLUMNS = ['id', 'priority', 'cpus', 'gpus', 'gpu_shared', 'gpu_memory_mb', 'group_id', 'max_concurrent', 'begin_at', 'depends_on', 'depends_mode', 'auto_cancel', 'reason'] as const;
/** What a scheduling pass needs of a queued job. */
export type PlanRow = Pick<JobRow, (typeof PLAN_COLUMNS)[number]>;

export function dependsOf(row: Pick<JobRow, 'depends_on'>): number[] {
  return row.depends_on ? (JSON.parse(row.depends_on) as number[]) : [];
}

/** Fields a transition may set along with the new state. */
export interface TransitionPatch {
  reason?: string | null;
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number | null;
  signal?: string | null;
  endedBy?: EndedBy | null;
  session?: string | null;
  gpuIds?: string | null;
}

export const PATCH_COLUMNS: Record<keyof TransitionPatch, string> = {
  reason: 'reason',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  exitCode: 'exit_code',
  signal: 'signal',
  endedBy: 'ended_by',
  session: 'session',
  gpuIds: 'gpu_ids',
};

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** A row as the API shows it. */
export function rowToJob(row: JobRow, logPath: string): Job {
  return {
    id: row.id,
    name: row.name,
    state: row.state,
    command: row.command === null ? null : (JSON.parse(row.command) as string[]),
    script: row.script,
    cwd: row.cwd,
    user: row.user,
    priority: row.priority,
    cpus: row.cpus,
    timeLimitSec: row.time_limit_sec,
    reason: row.reason,
    submittedAt: iso(row.submitted_at)!,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    exitCode: row.exit_code,
    signal: row.signal,
    endedBy: row.ended_by,
    session: row.session,
    pid: row.pid,
    logPath,
    gpus: row.gpus,
    gpuShared: row.gpu_shared === 1,
    gpuMemoryMb: row.gpu_memory_mb,
    gpuIds: row.gpu_ids ? (JSON.parse(row.gpu_ids) as number[]) : null,
    dependsOn: dependsOf(row),
    dependsMode: row.depends_mode,
    autoCancel: row.auto_cancel === 1,
    groupId: row.group_id,
    maxConcurrent: row.max_concurrent,
    arrayTaskId: row.array_task_id,
    params: row.params ? (JSON.parse(row.params) as Record<string, string>) : null,
    maxRetries: row.max_retries,
    retryOnTimeout: row.retry_on_timeout === 1,
    attempt: row.attempt,
    retriedFrom: row.retried_from,
    redoneFrom: row.redone_from,
    beginAt: iso(row.begin_at),
  };
}

