// How a gflow job is expressed to Slurm: sbatch's options, written once. Pure (no I/O).
//
// gflow keeps what it does itself: dependencies (with auto-cancel), arrays' `%N`, hold, begin
// time, priority order, quotas and reservations decide *when* a job is handed over; Slurm
// decides *where* and enforces what it was given (CPUs, GPUs, memory, time). A job is handed
// over once those gflow rules let it start, so a chain behaves exactly as it does locally.
// What Slurm cannot express is refused at submit (`refusal`), never silently dropped.
import type { JobRecord } from '../../core/job.js';
import { GflowError } from '../../protocol/errors.js';

/** The site's defaults from the daemon's settings (`gflowd up --partition …`). */
export interface SlurmDefaults {
  partition: string;
  account: string;
  qos: string;
}

export type MappedJob = Pick<JobRecord, 'id' | 'name' | 'cpus' | 'gpus' | 'gpuShared' | 'gpuMemoryMb' | 'memMb' | 'timeLimitSec' | 'cwd' | 'priority'>;

/** The tag on every job gflow hands over: how a restarted daemon finds what it submitted. */
export function slurmTag(daemonId: string, jobId: number): string {
  return `gflow:${daemonId}:${jobId}`;
}

/** The gflow job id in a tag of this daemon, if it is one. */
export function jobIdOfTag(daemonId: string, comment: string): number | undefined {
  const m = /^gflow:([^:]+):(\d+)$/.exec(comment.trim());
  return m && m[1] === daemonId ? Number(m[2]) : undefined;
}

// Slurm's --time has minute granularity; gflow enforces the exact limit itself (its timer), and
// Slurm's limit is a backstop one minute later, so the end is gflow's `timeout` with its grace.
export function slurmMinutes(sec: number): number {
  return Math.ceil(sec / 60) + 1;
}

// Slurm's --nice lowers a job's priority by the value; raising one (a negative nice) needs an
// admin. So a lowered gflow priority (`--nice N`, `-p -N`) is Slurm's --nice=N, and a raised one
// is honoured by gflow's order of handing jobs over, not by a nice that would push every other
// gflow job below the cluster's other users.
export function niceOf(priority: number): number {
  return priority < 0 ? -priority : 0;
}

/** sbatch's options for a job (without the script), in a stable order. */
export function sbatchArgs(job: MappedJob, d: SlurmDefaults, tag: string, batchLog: string): string[] {
  const args = ['--parsable', `--job-name=${job.name ?? `gflow-${job.id}`}`, `--comment=${tag}`, `--cpus-per-task=${job.cpus}`, '--ntasks=1', '--nodes=1'];
  // The batch script's own output (not the job's: that is the tmux pane's log).
  args.push(`--output=${batchLog}`, `--chdir=${job.cwd}`);
  if (job.gpus > 0) args.push(`--gres=gpu:${job.gpus}`);
  if (job.memMb !== null) args.push(`--mem=${job.memMb}M`);
  if (job.timeLimitSec !== null) args.push(`--time=${slurmMinutes(job.timeLimitSec)}`);
  if (niceOf(job.priority) > 0) args.push(`--nice=${niceOf(job.priority)}`);
  if (d.partition) args.push(`--partition=${d.partition}`);
  if (d.account) args.push(`--account=${d.account}`);
  if (d.qos) args.push(`--qos=${d.qos}`);
  return args;
}

/** Why Slurm cannot run this job as asked (undefined: it can). Checked at submit. */
export function refusal(job: Pick<JobRecord, 'gpuShared' | 'gpuMemoryMb'>): GflowError | undefined {
  if (job.gpuShared || job.gpuMemoryMb !== null) {
    return new GflowError('usage', 'this daemon runs jobs on a Slurm cluster, where a GPU is not shared between jobs (--shared / --gpu-memory)', 'ask for whole GPUs with --gpus N, or use a daemon with the tmux executor');
  }
  return undefined;
}
