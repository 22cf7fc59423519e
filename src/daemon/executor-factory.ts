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
  if (settings.executor === 'slurm') {
    return { executor: new SlurmExecutor(paths, { partition: settings.partition, account: settings.account, qos: settings.qos }, warn), cpus: Number.MAX_SAFE_INTEGER, gpus: slurmGpus };
  }
  return { executor: new TmuxExecutor(paths, warn), cpus: settings.cpus };
}
