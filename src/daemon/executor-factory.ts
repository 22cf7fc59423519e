// Which executor the daemon runs jobs with (`gflowd up --executor`, `executor` in the config),
// and what the scheduler counts with it. With Slurm, the cluster places jobs and enforces their
// resources: gflow hands over every job its own rules let start (dependencies, arrays' %N,
// hold, begin time, quotas), without counting CPUs or GPUs of this machine.
import type { Paths } from '../config/paths.js';
import type { Settings } from '../config/schema.js';
import type { Executor } from '../executor/executor.js';
import { SlurmExecutor } from '../executor/slurm/slurm-executor.js';
import { TmuxExecutor } from '../executor/tmux/tmux-executor.js';
import type { GpuSlot } from '../core/plan.js';
import type { GpuView } from './scheduler/planning.js';
import type { JobRecord } from '../core/job.js';
import { GflowError } from '../protocol/errors.js';
import { parseByteSize } from '../core/size.js';

export interface ExecutorChoice {
  executor: Executor;
  /** CPU slots the scheduler counts (Slurm: no limit of gflow's own) */
  cpus: number;
  /** the GPU inventory the scheduler hands out from; undefined: this machine's */
  gpus?: GpuView;
}

// GPUs are Slurm's to count (--gres): every job that asks for GPUs may be handed over.
const SLURM_GPU_SLOTS = 4096;
const slurmGpus: GpuView = {
  strategy: 'sequential',
  refresh: async () => {},
  slots: (): GpuSlot[] => Array.from({ length: SLURM_GPU_SLOTS }, (_, index) => ({ index, memoryTotalMb: Number.MAX_SAFE_INTEGER, usable: true, exclusive: false, sharedMb: 0, sharedJobs: 0 })),
  lockFiles: () => [],
  stop: () => {},
};

export function chooseExecutor(settings: Settings, paths: Paths, warn: (message: string) => void): ExecutorChoice {
  const maxLog = settings.maxLog === 'off' ? null : parseByteSize(settings.maxLog);
  if (settings.executor === 'slurm') {
    return { executor: new SlurmExecutor(paths, { partition: settings.partition, account: settings.account, qos: settings.qos }, warn, maxLog), cpus: Number.MAX_SAFE_INTEGER, gpus: slurmGpus };
  }
  return { executor: new TmuxExecutor(paths, warn, maxLog), cpus: settings.cpus };
}

/**
 * Refuses to run jobs of one executor with the other: a tmux daemon would find a Slurm job's
 * process nowhere and mark it lost (and a Slurm daemon a tmux job). Typically a `gflowd up`
 * without `--executor slurm` after a crash, when the setting was only ever a flag.
 */
export function executorMismatch(executor: Settings['executor'], running: readonly Pick<JobRecord, 'id' | 'slurmId' | 'pid'>[]): GflowError | undefined {
  const foreign = running.filter((j) => (executor === 'slurm' ? j.slurmId === null && j.pid !== null : j.slurmId !== null));
  if (foreign.length === 0) return undefined;
  const ids = foreign.slice(0, 5).map((j) => j.id).join(', ');
  return executor === 'slurm'
    ? new GflowError('start_failed', `running jobs ${ids} run in tmux on this machine, not in Slurm`, 'start the daemon with --executor tmux until they end (gflow wait), then switch')
    : new GflowError('start_failed', `running jobs ${ids} were handed to Slurm, and this daemon would run with the tmux executor`, 'start it with --executor slurm (or set it once: gflow config set executor slurm)');
}
