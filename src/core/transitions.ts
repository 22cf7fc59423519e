// The one place that decides whether a job may change state.
//
//   queued ──▶ running ──▶ finished | failed | cancelled | timeout
//     │  ▲  ◀──┘ (back to the queue: it never ran, its GPUs were taken by another daemon)
//     ▼  │ (hold / release)
//    hold ──▶ cancelled            queued ──▶ cancelled
//
// Ended states never change again through `canTransition`; `redo` creates a new job. The one
// way back is a requeue (failed | timeout ──▶ queued, same id), which has its own gate below so
// that no other path (release, the reaper's back-to-queue) can ever make that move.
import { GflowError } from '../protocol/errors.js';
import type { JobState } from '../protocol/job.js';

const ALLOWED: Record<JobState, readonly JobState[]> = {
  queued: ['running', 'hold', 'cancelled'],
  hold: ['queued', 'cancelled'],
  running: ['finished', 'failed', 'cancelled', 'timeout', 'queued'],
  finished: [],
  failed: [],
  cancelled: [],
  timeout: [],
};

// Words a user understands for each move, used in the 409 message.
const VERB: Partial<Record<JobState, string>> = {
  hold: 'hold',
  queued: 'release',
  cancelled: 'cancel',
  running: 'start',
};

export function canTransition(from: JobState, to: JobState): boolean {
  return ALLOWED[from].includes(to);
}

const REQUEUE_FROM: readonly JobState[] = ['failed', 'timeout'];

/** The gate of `gflow requeue` and `--requeue`, and of nothing else (JobStore.requeue). */
export function assertRequeue(id: number, from: JobState): void {
  if (REQUEUE_FROM.includes(from)) return;
  const hint = from === 'finished' || from === 'cancelled' ? `submit it again with \`gflow redo ${id}\`` : 'only failed or timed-out jobs can be requeued';
  throw new GflowError('conflict', `cannot requeue job ${id}: it is ${from}`, hint);
}

export function assertTransition(id: number, from: JobState, to: JobState): void {
  if (canTransition(from, to)) return;
  const verb = VERB[to] ?? `move to ${to}`;
  const hint =
    to === 'queued' && from !== 'hold'
      ? 'only held jobs can be released'
      : to === 'hold'
        ? 'only queued jobs can be held'
        : ALLOWED[from].length === 0
          ? `job ${id} has ended; submit it again to rerun it`
          : undefined;
  throw new GflowError('conflict', `cannot ${verb} job ${id}: it is ${from}`, hint);
}
