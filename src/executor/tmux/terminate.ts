// Stopping a job so that nothing it started survives: SIGTERM, a grace period, SIGKILL.
//
// A job's processes are the wrapper's descendants plus every process that carries the
// job's token in its environment: that finds children that called setsid, changed their
// process group or double-forked away from the wrapper.
//
// A pid names a process only for a while: once it ends, another process (anyone's) may get
// its number. So the wrapper is known by its pid and start time, checked before each use, and
// only processes the job's owner could signal alone count as the job's. Signals go through a
// Signaller, which a shared daemon makes send them as the owner (src/executor/tmux/signaller.ts):
// even a pid reused between the check and the signal is then not root's to hit.
import { setTimeout as sleep } from 'node:timers/promises';
import { TOKEN_VAR } from '../../core/job-env.js';
import { descendantsOf, listProcesses, processFate, signallableBy, withEnvMarker, type ProcessIdentity, type ProcStat } from '../proc.js';
import type { Signaller } from './signaller.js';

export interface JobProcessRef {
  /** the wrapper (the pane's process), as it was when the job started */
  wrapper: ProcessIdentity | null;
  token: string;
  /** the job's owner */
  uid: number;
}

/** The wrapper's pid while it is still the job's wrapper (not ended, its pid not taken by another). */
export function liveWrapper(job: JobProcessRef): number | null {
  return job.wrapper && processFate(job.wrapper, job.uid) === 'same' ? job.wrapper.pid : null;
}

export function jobProcesses(job: JobProcessRef): ProcStat[] {
  const procs = listProcesses();
  const found = new Map<number, ProcStat>();
  const wrapper = liveWrapper(job);
  if (wrapper !== null) for (const p of descendantsOf(wrapper, procs)) found.set(p.pid, p);
  for (const p of withEnvMarker(`${TOKEN_VAR}=${job.token}`, procs)) found.set(p.pid, p);
  if (job.wrapper) found.delete(job.wrapper.pid);
  return [...found.values()].filter((p) => p.state !== 'Z' && signallableBy(p.pid, job.uid));
}

/**
 * `gflow signal`, `--signal`: every process of the job but the wrapper (which would die of most
 * signals) gets it once; the wrapper's tees ignore such signals (src/executor/tmux/wrapper.ts).
 */
export async function signalJob(job: JobProcessRef, sig: NodeJS.Signals, send: Signaller): Promise<number> {
  const procs = jobProcesses(job);
  await send(procs, sig);
  return procs.length;
}

export interface TerminateOptions {
  graceMs: number;
  /** called once if SIGKILL is needed, before it is sent */
  onEscalate?: () => void;
  pollMs?: number;
}

/** Resolves when no process of the job is left. Returns true if SIGKILL was needed. */
export async function terminateJob(job: JobProcessRef, send: Signaller, o: TerminateOptions): Promise<boolean> {
  const poll = o.pollMs ?? 100;
  const wrapper = liveWrapper(job);
  // The wrapper forwards SIGTERM to its process group; signal directly only the processes
  // that left that group, so that each process gets SIGTERM once.
  const first = jobProcesses(job).filter((p) => wrapper === null || p.pgrp !== wrapper);
  await send(wrapper !== null ? [job.wrapper!, ...first] : first, 'SIGTERM');

  const deadline = Date.now() + o.graceMs;
  while (Date.now() < deadline) {
    if (jobProcesses(job).length === 0) return finishWrapper(job, send, poll, false);
    await sleep(poll);
  }
  if (jobProcesses(job).length === 0) return finishWrapper(job, send, poll, false);
  o.onEscalate?.();
  // Kill the job's processes first and leave the wrapper to record the exit status.
  for (let round = 0; round < 20; round++) {
    const left = jobProcesses(job);
    if (left.length === 0) break;
    await send(left, 'SIGKILL');
    await sleep(poll);
  }
  return finishWrapper(job, send, poll, true);
}

// Gives the wrapper a moment to write the status file, then makes sure it is gone too.
async function finishWrapper(job: JobProcessRef, send: Signaller, poll: number, escalated: boolean): Promise<boolean> {
  for (let i = 0; i < 20 && liveWrapper(job) !== null; i++) await sleep(poll);
  if (liveWrapper(job) === null) return escalated;
  await send([job.wrapper!], 'SIGKILL');
  return true;
}
