// Words for a job's state: how it ended, and what may be done to it now.
import type { Job } from '../../protocol/job.js';

/** How an ended job ended, in a few words; for a waiting job, why it waits. */
export function outcome(j: Job): string {
  switch (j.state) {
    case 'queued':
      return j.reason ?? (j.beginAt ? `starts after ${new Date(j.beginAt).toLocaleString()}` : 'starts at the next pass');
    case 'hold':
      return 'held (release to queue it)';
    case 'running':
      return j.gpuIds?.length ? `on GPU ${j.gpuIds.join(',')}` : '';
    case 'finished':
      return 'exit 0';
    case 'failed':
      return j.signal ? `killed by ${j.signal}` : `exit ${j.exitCode ?? '?'}`;
    case 'timeout':
      return `hit its time limit${j.endedBy === 'hard' ? ' (SIGKILL)' : ''}`;
    case 'cancelled':
      if (j.cancelledBy !== null) return `dependency ${j.cancelledBy} failed`;
      if (j.endedBy === 'hard') return 'cancelled (SIGKILL after the grace period)';
      if (j.endedBy === 'soft') return 'cancelled (stopped by SIGTERM)';
      return 'cancelled';
  }
}

export type UiAction = 'cancel' | 'hold' | 'release' | 'redo';

/** The actions the API allows on a job in its state (the daemon checks again). */
export function allowedActions(j: Job): UiAction[] {
  switch (j.state) {
    case 'queued':
      return ['hold', 'cancel'];
    case 'hold':
      return ['release', 'cancel'];
    case 'running':
      return ['cancel'];
    default:
      return ['redo'];
  }
}

export const ACTION_TEXT: Record<UiAction, { label: string; question: (j: Job) => string; detail: string; danger: boolean }> = {
  cancel: {
    label: 'Cancel',
    question: (j) => (j.state === 'running' ? `Stop job ${j.id} now?` : `Cancel job ${j.id}?`),
    detail: 'A running job gets SIGTERM, then SIGKILL after the grace period. Jobs that depend on it may be cancelled too.',
    danger: true,
  },
  hold: { label: 'Hold', question: (j) => `Hold job ${j.id}?`, detail: 'It stays in the queue but does not start until released.', danger: false },
  release: { label: 'Release', question: (j) => `Release job ${j.id}?`, detail: 'It goes back into the queue and starts when its turn comes.', danger: false },
  redo: {
    label: 'Redo',
    question: (j) => `Run job ${j.id} again as a new job?`,
    detail: 'The same command, directory and options, with a login environment (HOME, a standard PATH). For your shell\'s own environment, run `gflow redo` in a terminal.',
    danger: false,
  },
};
