// Where jobs run, behind one interface. The scheduler uses nothing else to launch, watch,
// stop and adopt jobs; the tmux executor (src/executor/tmux) is the first implementation.
import type { Outcome } from '../core/end-state.js';
import type { JobRecord } from '../core/job.js';
import type { SlurmClusterInfo } from '../protocol/api.js';

/** What an executor needs to know of a job that was started. */
export type StartedJob = Pick<JobRecord, 'id' | 'uid' | 'session' | 'pid' | 'token' | 'stopRequest'> & Partial<Pick<JobRecord, 'slurmId' | 'pidStart' | 'bootId'>>;

/** What removing an ended job's files needs to know of it. */
export type PurgedJob = Pick<JobRecord, 'id' | 'uid' | 'session' | 'sessionClosed' | 'attempts' | 'script'>;

/** A job's owner: whose account it runs under (null: the daemon's own, for older jobs). */
export type OwnedJob = Pick<JobRecord, 'id' | 'uid'>;

export interface LaunchSpec {
  job: Pick<JobRecord, 'id' | 'uid' | 'command' | 'script' | 'cwd' | 'memMb' | 'name' | 'cpus' | 'gpus' | 'gpuShared' | 'gpuMemoryMb' | 'timeLimitSec' | 'priority' | 'maxLogBytes'>;
  /** where it runs, as recorded before the launch (placeFor) */
  session: string;
  /** the job's whole environment (src/core/job-env.ts) */
  env: Record<string, string>;
}

/**
 * Where a started job runs: its main process on this machine (tmux), or its job id and node in
 * a batch system (Slurm; the node is null while Slurm has not placed it yet).
 */
export interface Placement {
  pid: number | null;
  /** the start time of process `pid` (src/core/job.ts pidStart) */
  pidStart?: string | null;
  /** the boot of this machine it runs in (src/core/job.ts bootId); set by executors that run jobs here */
  bootId?: string | null;
  slurmId?: number | null;
  node?: string | null;
}

/** A started job is still running (and where), or has ended and how. */
export type Inspection = ({ kind: 'running' } & Placement) | { kind: 'ended'; outcome: Outcome };

export interface StopOptions {
  /** time between the polite signal and the forceful one */
  graceMs: number;
  /** called once, before the forceful signal */
  onEscalate: () => void;
}

export interface Executor {
  /** Starts watching; `onMaybeEnded(id)` says a job may have ended (inspect it to know). */
  start(onMaybeEnded: (id: number) => void): Promise<void>;
  /** Where a job will run; recorded before `launch`, so a crash in between is noticed. */
  placeFor(job: Pick<JobRecord, 'id' | 'name'>): string;
  /** Starts the job (or hands it to the batch system); resolves with where it runs. */
  launch(spec: LaunchSpec): Promise<Placement>;
  /** Whether a started job still runs; when it ended, waits until its log is complete. */
  inspect(job: StartedJob): Promise<Inspection>;
  /** Stops every process of the job: politely, then forcefully after the grace period. */
  stop(job: StartedJob, o: StopOptions): Promise<void>;
  /** Sends a signal to every process of a running job (not to gflow's own); how many got it. */
  signal(job: StartedJob, signal: NodeJS.Signals): Promise<number>;
  /** Types text into a running job's terminal (its stdin), then Enter if asked. */
  sendKeys(job: StartedJob, text: string, enter: boolean): Promise<void>;
  /** Keeps an ended run's log aside as attempt N (before a requeue reuses the id); its new path. */
  archiveLog(job: OwnedJob, attempt: number): Promise<string | null>;
  /** Removes every file ended jobs left (log, earlier runs' logs, status, spec, script) and their sessions; a batch at a time (a clean may remove 100,000s). */
  purge(jobs: readonly PurgedJob[]): Promise<void>;
  /** Removes what an ended job leaves for inspection (its tmux session); true if there was one. */
  dispose(job: Pick<JobRecord, 'uid' | 'session'>): Promise<boolean>;
  /** Clears what a job that never ran left behind (its session, its status), so it can be launched again. */
  forget(job: StartedJob): Promise<void>;
  /** Keeps a script submitted as text where the job (and only its owner) can read it; returns its path. */
  keepScript(job: OwnedJob, text: string): string;
  /** The job token a process carries, if it is a job's process (GPU accounting). */
  tokenOf(pid: number): string | undefined;
  /** Why this executor cannot run a job as submitted (checked at submit); undefined: it can. */
  refusal?(job: Pick<JobRecord, 'gpuShared' | 'gpuMemoryMb'>): Error | undefined;
  /** The cluster jobs go to (batch executors: `gflow info`). */
  cluster?(): Promise<SlurmClusterInfo>;
  /** Where the job's output is logged. */
  logPath(job: OwnedJob): string;
  close(): Promise<void>;
}
