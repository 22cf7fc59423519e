// The files a Slurm job runs from, in its own directory on the shared file system: the spec
// (as the tmux executor's, plus what Slurm gives the job on its node), an empty log, and the
// batch script sbatch gets. Each is written afresh (an earlier attempt's goes first), never
// through a link (writeFresh).
import path from 'node:path';
import type { JobRecord } from '../../core/job.js';
import { ensureDir, writeFresh } from '../../config/safe-file.js';
import { renderSpec, scriptArgv } from '../tmux/job-spec.js';
import { renderBatchScript } from './batch-script.js';

// What Slurm gives the job on its node (its GPUs above all) must survive the wrapper, which
// starts from a clean environment: the batch script writes it next to the spec, which loads it.
const NODE_VARS = /^declare -x (SLURM[A-Z0-9_]*|SLURMD_NODENAME|CUDA_VISIBLE_DEVICES|GPU_DEVICE_ORDINAL|ROCR_VISIBLE_DEVICES)=/;

export interface BatchFilesInput {
  job: Pick<JobRecord, 'cwd' | 'command' | 'script'>;
  /** the job's whole environment (src/core/job-env.ts) */
  env: Record<string, string>;
  session: string;
  jobDir: string;
  wrapper: string;
  statusFile: string;
  logFile: string;
  maxLogBytes: number | null;
}

/** Writes the job's files; returns the batch script's path. */
export function writeBatchFiles(b: BatchFilesInput): string {
  ensureDir(b.jobDir, 0o700);
  const nodeEnv = path.join(b.jobDir, 'node-env.sh');
  const env = { ...b.env };
  // GPUs are Slurm's to give (--gres); the node's CUDA_VISIBLE_DEVICES comes from node-env.
  for (const k of ['CUDA_VISIBLE_DEVICES', 'GFLOW_GPUS', 'GFLOW_GPU_LOCKS', 'GFLOW_GPU_SHARED']) delete env[k];
  const specFile = path.join(b.jobDir, 'spec.sh');
  writeFresh(specFile, `${renderSpec({ cwd: b.job.cwd, argv: b.job.command ?? scriptArgv(b.job.script!), env })}. ${JSON.stringify(nodeEnv)} 2>/dev/null\nexport GFLOW_GPUS="\${CUDA_VISIBLE_DEVICES:-}"\n`, 0o600);
  writeFresh(b.logFile, '');
  const batch = renderBatchScript({ session: b.session, wrapper: b.wrapper, spec: specFile, statusFile: b.statusFile, logFile: b.logFile, maxLogBytes: b.maxLogBytes, tmuxTmpdir: process.env.TMUX_TMPDIR });
  const batchFile = path.join(b.jobDir, 'batch.sh');
  writeFresh(batchFile, batch.replace('\nstatus=', `\nexport -p | grep -E '${NODE_VARS.source}' > ${JSON.stringify(nodeEnv)}\nstatus=`), 0o700);
  return batchFile;
}
