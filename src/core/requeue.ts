// Requeue (Slurm's): a failed or timed-out job goes back to the queue under the same id, its
// earlier attempts kept in `attempts`. `gflow requeue <id>` does it by hand; `--requeue` makes
// the scheduler do it at the end, up to --max-retries times (default 5, Slurm's
// MaxBatchRequeue), instead of submitting a retry as a new job. The state machine's gate for
// the move is in src/core/transitions.ts (assertRequeue).
import type { Ending } from './end-state.js';
import type { JobRecord } from './job.js';
import type { Attempt } from '../protocol/job.js';

export type { Attempt } from '../protocol/job.js';

export const DEFAULT_REQUEUES = 5;

/** Whether the scheduler requeues this job now that it ended so (rather than retrying it). */
export function requeueWanted(job: Pick<JobRecord, 'requeue' | 'stopRequest' | 'attempt' | 'maxRetries'>, ending: Pick<Ending, 'state'>): boolean {
  return job.requeue && job.stopRequest !== 'cancel' && (ending.state === 'failed' || ending.state === 'timeout') && job.attempt < job.maxRetries;
}

/** The record of the run that just ended. */
export function attemptOf(job: Pick<JobRecord, 'startedAt' | 'finishedAt' | 'state' | 'exitCode' | 'signal' | 'reason'>, log: string | null): Attempt {
  return { startedAt: job.startedAt, finishedAt: job.finishedAt, state: job.state, exitCode: job.exitCode, signal: job.signal, reason: job.reason, log };
}
