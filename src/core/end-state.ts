// How a running job ended, decided from what its executor saw and whether gflow was stopping
// it. Pure: the reaper (src/daemon/scheduler) records the result.
import type { StopRequest } from './job.js';
import type { EndedBy, JobState } from '../protocol/job.js';

export interface ExitStatus {
  exitCode: number;
  /** the signal that killed the job, when it died of one */
  signal: string | null;
  /** the job never ran: its GPUs were taken by another daemon's job (it goes back to the queue) */
  notStarted?: 'gpu-busy';
  /** when it ended (ms since the epoch), as the executor saw it: a job that ended while no daemon ran keeps its real end time */
  at?: number;
}

/** What the executor saw: the job's exit status, or none (it vanished). */
export interface Outcome {
  exit: ExitStatus | null;
  /** the place the job ran in is gone as a whole (the tmux server died), not just the job */
  serverLost: boolean;
  /**
   * the job's process vanished and its pid now belongs to another process (which gflow never
   * signals): the job is lost, whatever stop was asked for; why, in words
   */
  lost?: string;
  /** it ran in an earlier boot of this machine: the reboot ended every process of it */
  rebooted?: boolean;
  /** the kernel killed it for going over its memory limit (--mem) */
  outOfMemory?: boolean;
  /** a batch system (Slurm) ended it, not the job itself: how, in its words */
  batch?: BatchEnd;
  /** where it ran, for a batch system's job that ended before gflow saw it run */
  where?: { slurmId?: number; node?: string };
}

/** How a batch system ended a job that gflow did not stop (cancelled by an admin, node failure, …). */
export interface BatchEnd {
  state: 'cancelled' | 'timeout' | 'failed';
  reason: string;
}

/** Why a job that was running when the machine rebooted ended. */
export const REBOOT_REASON = 'ended by a reboot of the machine';

export interface Ending {
  state: Extract<JobState, 'finished' | 'failed' | 'cancelled' | 'timeout'>;
  reason: string | null;
  exitCode: number | null;
  signal: string | null;
  endedBy: EndedBy | null;
}

export function endingOf(job: { stopRequest: StopRequest | null; escalated: boolean }, outcome: Outcome): Ending {
  const { exit } = outcome;
  const stopped: EndedBy = job.escalated ? 'hard' : 'soft';
  const base = {
    exitCode: exit?.exitCode ?? null,
    // A job that vanished after SIGKILL was killed by it.
    signal: exit?.signal ?? (exit === null && job.escalated ? 'SIGKILL' : null),
    endedBy: job.stopRequest ? stopped : exit === null ? null : 'natural',
  } as const;
  // Gone before any stop reached it: no signal of gflow ended it.
  if (outcome.lost) return { ...base, signal: null, endedBy: null, state: 'failed', reason: outcome.lost };
  if (job.stopRequest === 'cancel') return { ...base, state: 'cancelled', reason: 'cancelled by user' };
  if (job.stopRequest === 'timeout') return { ...base, state: 'timeout', reason: 'time limit reached' };
  if (outcome.batch) return { ...base, state: outcome.batch.state, reason: outcome.batch.reason };
  if (outcome.outOfMemory) return { ...base, state: 'failed', reason: 'out of memory' };
  // Killed, or vanished without a word, in a boot that is over: the reboot ended it. A job that
  // exited of its own accord before the reboot keeps its own end.
  if (outcome.rebooted && (exit === null || exit.signal !== null)) return { ...base, endedBy: null, state: 'failed', reason: REBOOT_REASON };
  if (outcome.serverLost) return { ...base, state: 'failed', reason: 'tmux server lost' };
  if (exit === null) return { ...base, state: 'failed', reason: 'lost' };
  if (exit.exitCode === 0) return { ...base, state: 'finished', reason: null };
  return { ...base, state: 'failed', reason: exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.exitCode}` };
}
