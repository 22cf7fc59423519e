// The job, declared once. The store decodes rows into `JobRecord`s (camelCase, real
// booleans, parsed lists, times in ms since the epoch); everything the store writes derives
// from this declaration, and the wire type `Job` (src/protocol/job.ts) is checked against it
// (src/core/wire-job.ts).
import type { Attempt, DependsMode, DepKind, EndedBy, JobState, NotifyEvent } from '../protocol/job.js';

export type StopRequest = 'cancel' | 'timeout';

export interface JobRecord {
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
  /** the submitter's environment */
  env: Record<string, string>;
  priority: number;
  cpus: number;
  timeLimitSec: number | null;
  state: JobState;
  reason: string | null;
  submittedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  exitCode: number | null;
  signal: string | null;
  endedBy: EndedBy | null;
  session: string | null;
  pid: number | null;
  /**
   * the start time of process `pid` (/proc/<pid>/stat field 22), taken at launch: with the pid,
   * its identity, so that another process given the same pid later is never taken for the job's
   */
  pidStart: string | null;
  /**
   * the kernel's id of the boot of this machine during which the job ran (src/executor/proc.ts
   * bootId): a job of an earlier boot was ended by the reboot, and its pid names nothing of it
   */
  bootId: string | null;
  /** the Slurm job id of a job handed to Slurm (executor slurm) */
  slurmId: number | null;
  /** the node a Slurm job runs on (null while it waits in Slurm) */
  node: string | null;
  /** marks every process of the job (GFLOW_JOB_TOKEN in their environment) */
  token: string;
  stopRequest: StopRequest | null;
  stopRequestedAt: number | null;
  /** SIGKILL was needed to stop it */
  escalated: boolean;
  sessionClosed: boolean;
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
  beginAt: number | null;
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
}

export type JobKey = keyof JobRecord;

/** Fields the daemon sets while a job runs and ends; a new job starts without them. */
export const RUNTIME_KEYS = [
  'id', 'state', 'reason', 'submittedAt', 'startedAt', 'finishedAt', 'exitCode', 'signal', 'endedBy', 'session', 'pid', 'pidStart', 'bootId', 'slurmId', 'node',
  'stopRequest', 'stopRequestedAt', 'escalated', 'sessionClosed', 'gpuIds', 'cancelledBy', 'attempts',
] as const satisfies readonly JobKey[];
type RuntimeKey = (typeof RUNTIME_KEYS)[number];

/** The runtime fields of a job that has not run yet (besides its id, state and times). */
export const NOT_RUN_YET = {
  startedAt: null,
  finishedAt: null,
  exitCode: null,
  signal: null,
  endedBy: null,
  session: null,
  pid: null,
  pidStart: null,
  bootId: null,
  slurmId: null,
  node: null,
  stopRequest: null,
  stopRequestedAt: null,
  escalated: false,
  sessionClosed: false,
  gpuIds: null,
  cancelledBy: null,
  attempts: [],
} as const satisfies Pick<JobRecord, Exclude<RuntimeKey, 'id' | 'state' | 'reason' | 'submittedAt'>>;

/** What a submission stores: the spec of a job. `hold` decides its first state. */
export type NewJob = Omit<JobRecord, RuntimeKey> & { hold: boolean };
export type SpecKey = Exclude<JobKey, RuntimeKey>;

/** Fields of a waiting job that `gflow update` may change. */
export const UPDATABLE_KEYS = ['name', 'priority', 'cpus', 'timeLimitSec', 'gpus', 'dependsOn', 'dependsMode', 'dependsKinds', 'beginAt', 'maxRetries'] as const satisfies readonly SpecKey[];
export type JobPatch = Partial<Pick<JobRecord, (typeof UPDATABLE_KEYS)[number]>>;

/** Fields a state transition may set along with the new state. */
export type TransitionPatch = Partial<Pick<JobRecord, 'reason' | 'startedAt' | 'finishedAt' | 'exitCode' | 'signal' | 'endedBy' | 'session' | 'pid' | 'pidStart' | 'bootId' | 'slurmId' | 'node' | 'gpuIds' | 'cancelledBy'>>;

/** Defaults of a submission's optional fields. */
export const NEW_JOB_DEFAULTS = {
  name: null,
  uid: null,
  project: null,
  script: null,
  scriptPath: null,
  command: null,
  priority: 0,
  cpus: 1,
  timeLimitSec: null,
  hold: false,
  gpus: 0,
  gpuShared: false,
  gpuMemoryMb: null,
  memMb: null,
  dependsOn: [],
  dependsMode: 'all',
  dependsKinds: null,
  singleton: false,
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
  outputPath: null,
  maxLogBytes: null,
  errorPath: null,
  condaEnv: null,
  autoClose: false,
  warnSignal: null,
  warnBeforeSec: null,
  requeue: false,
  notifyOn: null,
  mailUser: null,
} as const satisfies Partial<NewJob>;

/** What a finished job's spec is when it is submitted again (a retry, a redo). */
export function specOf(job: JobRecord): NewJob {
  const spec: Record<string, unknown> = { hold: false };
  for (const [k, v] of Object.entries(job)) if (!(RUNTIME_KEYS as readonly string[]).includes(k)) spec[k] = v;
  return { ...(spec as NewJob), beginAt: null };
}
