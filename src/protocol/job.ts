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

/** One earlier run of a requeued job, as `gflow show` lists it (src/core/requeue.ts). */
export interface Attempt {
  startedAt: number | null;
  finishedAt: number | null;
  state: string;
  exitCode: number | null;
  signal: string | null;
  reason: string | null;
  /** where that run's output was kept */
  log: string | null;
}

/** What of a job a notification is about (--notify-on); src/core/notify-on.ts reads the names. */
export const NOTIFY_EVENTS = ['start', 'end', 'fail', 'timeout', 'cancel'] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

/**
 * The job as clients see it, field by field: what is not named here (the environment, the
 * job's token, the daemon's stop bookkeeping, the process's identity) stays inside the daemon.
 * Times are ISO 8601 strings. src/core/wire-job.ts makes it from the daemon's record.
 */
export interface Job {
  id: number;
  name: string | null;
  /** the owner's account name, as the kernel identified the submitter */
  user: string;
  /** the owner's UID (null for jobs submitted before gflow knew it) */
  uid: number | null;
  /** -P/--project: for quotas and accounting */
  project: string | null;
  /** argv of a command job; null for a script job */
  command: string[] | null;
  /** absolute path of a script job; null for a command job */
  script: string | null;
  /** the script file as submitted; `script` is the copy taken then, which is what runs */
  scriptPath: string | null;
  cwd: string;
  priority: number;
  cpus: number;
  timeLimitSec: number | null;
  state: JobState;
  reason: string | null;
  submittedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  exitCode: number | null;
  signal: string | null;
  endedBy: EndedBy | null;
  session: string | null;
  pid: number | null;
  /** the Slurm job id of a job handed to Slurm (executor slurm) */
  slurmId: number | null;
  /** the node a Slurm job runs on (null while it waits in Slurm) */
  node: string | null;
  gpus: number;
  gpuShared: boolean;
  gpuMemoryMb: number | null;
  /** GPU indices given to the job when it started (CUDA_VISIBLE_DEVICES) */
  gpuIds: number[] | null;
  /** --mem: host memory (MiB) the job declares; admitted against the machine's free memory */
  memMb: number | null;
  dependsOn: number[];
  dependsMode: DependsMode;
  /** the kind of each dependency, in dependsOn's order; null: all afterok */
  dependsKinds: DepKind[] | null;
  /** waits while another job of its name and user is active */
  singleton: boolean;
  autoCancel: boolean;
  /** the dependency whose failure cancelled this job (auto-cancel) */
  cancelledBy: number | null;
  /** an array or sweep: the jobs of one submission */
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
  /** -o/--output: a file pattern (%j %x %a %A %u) that also gets stdout (and stderr, without errorPath) */
  outputPath: string | null;
  /** --max-log: bytes of output the job's log keeps (null: the daemon's maxLog setting) */
  maxLogBytes: number | null;
  /** --error: a file pattern that also gets stderr */
  errorPath: string | null;
  /** --conda-env: activated by the wrapper before the job runs */
  condaEnv: string | null;
  /** --auto-close: its tmux session is removed when it ends (its log stays) */
  autoClose: boolean;
  /** --signal SIG@SECONDS: this signal, warnBeforeSec before the time limit */
  warnSignal: string | null;
  warnBeforeSec: number | null;
  /** --requeue: a failed or timed-out end requeues it under the same id (src/core/requeue.ts) */
  requeue: boolean;
  /** earlier runs of a requeued job, oldest first */
  attempts: Attempt[];
  /** --notify-on: what of this job is e-mailed to mailUser (null: every end) */
  notifyOn: NotifyEvent[] | null;
  /** --mail-user / --notify-email: an address told of this job */
  mailUser: string | null;
  /** where the job's output is logged */
  logPath: string;
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
