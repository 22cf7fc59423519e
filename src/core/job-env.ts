// The environment a job runs with, built in one place for every executor: what the
// submitter had, plus what gflow tells the job.
import type { JobRecord } from './job.js';

/** Marks every process of a job; how a cancel finds children that left the process tree. */
export const TOKEN_VAR = 'GFLOW_JOB_TOKEN';

export function jobEnvironment(job: Pick<JobRecord, 'id' | 'name' | 'cpus' | 'env' | 'token' | 'arrayTaskId' | 'params' | 'gpuShared' | 'memMb'> & Partial<Pick<JobRecord, 'condaEnv'>>, gpuIds: readonly number[], gpuLocks: readonly string[] = []): Record<string, string> {
  const env: Record<string, string> = { ...job.env };
  env.GFLOW_JOB_ID = String(job.id);
  env.GFLOW_JOB_NAME = job.name ?? '';
  env.GFLOW_CPUS = String(job.cpus);
  // A job sees only the GPUs it was given: none is an empty list, not every GPU.
  env.CUDA_VISIBLE_DEVICES = env.GFLOW_GPUS = gpuIds.join(',');
  // What the job declared (--mem); a job may size its buffers by it.
  if (job.memMb !== null) env.GFLOW_MEM_MB = String(job.memMb);
  if (job.arrayTaskId !== null) env.GFLOW_ARRAY_TASK_ID = String(job.arrayTaskId);
  for (const [k, v] of Object.entries(job.params ?? {})) env[`GFLOW_PARAM_${k}`] = v;
  // The wrapper (or, for a shared daemon's user, root: src/executor/gpu-hold.ts) holds these
  // locks while the job lives (src/executor/gpu-locks.ts); never the submitter's.
  delete env.GFLOW_GPU_LOCKS;
  delete env.GFLOW_GPU_SHARED;
  delete env.GFLOW_GPU_BUSY;
  if (gpuLocks.length) env.GFLOW_GPU_LOCKS = gpuLocks.join(':');
  if (gpuLocks.length && job.gpuShared) env.GFLOW_GPU_SHARED = '1';
  // The wrapper activates it (src/executor/tmux/wrapper.ts); never one from the submitter's shell.
  delete env.GFLOW_CONDA_ENV;
  if (job.condaEnv) env.GFLOW_CONDA_ENV = job.condaEnv;
  env[TOKEN_VAR] = job.token;
  return env;
}
