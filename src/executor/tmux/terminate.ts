// Stopping a job so that nothing it started survives: SIGTERM, a grace period, SIGKILL.
//
// A job's processes are the wrapper's descendants plus every process that carries the
// job's token in its environment: that finds children that called setsid, changed their
// process group or double-forked away from the wrapper.
import { setTimeout as sleep } from 'node:timers/promises';
import { TOKEN_VAR } from '../../core/job-env.js';
import { descendantsOf, isAlive, listProcesses, withEnvMarker, type ProcStat } from '../proc.js';


export interface JobProcessRef {
  /** the wrapper (the pane's process) */
  pid: number | null;
  token: string;
}

export function jobProcesses(job: JobProcessRef): ProcStat[] {
  const procs = listProcesses();
  const found = new Map<number, ProcStat>();
  if (job.pid) for (const p of descendantsOf(job.pid, procs)) found.set(p.pid, p);
  for (const p of withEnvMarker(`${TOKEN_VAR}=${job.token}`, procs)) found.set(p.pid, p);
  if (job.pid) found.delete(job.pid);
  return [...found.values()].filter((p) => p.state !== 'Z');
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/**
 * `gflow signal`, `--signal`: every process of the job but the wrapper (which would die of most
 * signals) gets it once; the wrapper's tees ignore such signals (src/executor/tmux/wrapper.ts).
 */
export function signalJob(job: JobProcessRef, sig: NodeJS.Signals): number {
  const procs = jobProcesses(job);
  for (const p of procs) signal(p.pid, sig);
  return procs.length;
}

export interface TerminateOptions {
  graceMs: number;
  /** called once if SIGKILL is needed, before it is sent */
  onEscalate?: () => void;
  pollMs?: number;
}

/** Resolves when no process of the job is left. Returns true if SIGKILL was needed. */
export async function terminateJob(job: JobProcessRef, o: TerminateOptions): Promise<boolean> {
  const poll = o.pollMs ?? 100;
  const wrapperAlive = job.pid !== null && isAlive(job.pid);
  // The wrapper forwards SIGTERM to its process group; signal directly only the processes
  // that left that group, so that each process gets SIGTERM once.
  if (wrapperAlive) signal(job.pid!, 'SIGTERM');
  for (const p of jobProcesses(job)) if (!wrapperAlive || p.pgrp !== job.pid) signal(p.pid, 'SIGTERM');

  const deadline = Date.now() + o.graceMs;
  while (Date.now() < deadline) {
    if (jobProcesses(job).length === 0) return finishWrapper(job, poll, false);
    await sleep(poll);
  }
  if (jobProcesses(job).length === 0) return finishWrapper(job, poll, false);
  o.onEscalate?.();
  // Kill the job's processes first and leave the wrapper to record the exit status.
  for (let round = 0; round < 20; round++) {
    const left = jobProcesses(job);
    if (left.length === 0) break;
    for (const p of left) signal(p.pid, 'SIGKILL');
    await sleep(poll);
  }
  return finishWrapper(job, poll, true);
}

// Gives the wrapper a moment to write the status file, then makes sure it is gone too.
async function finishWrapper(job: JobProcessRef, poll: number, escalated: boolean): Promise<boolean> {
  if (job.pid === null) return escalated;
  for (let i = 0; i < 20 && isAlive(job.pid); i++) await sleep(poll);
  if (isAlive(job.pid)) {
    signal(job.pid, 'SIGKILL');
    return true;
  }
  return escalated;
}
