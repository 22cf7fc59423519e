// What Slurm says of a job, read from `squeue` and turned into what gflow records. Pure.
import type { BatchEnd } from '../../core/end-state.js';
import type { SlurmNodeInfo } from '../../protocol/api.js';

/** `sinfo -N -o SINFO_FORMAT`: one line per node and partition. */
export const SINFO_FORMAT = '%N|%P|%T|%C|%G|%m';

export function parseSinfo(text: string): SlurmNodeInfo[] {
  const out: SlurmNodeInfo[] = [];
  for (const line of text.split('\n')) {
    const [name, partition, state, cpus, gres, mem] = line.split('|').map((s) => s.trim());
    if (!name || partition === undefined || mem === undefined) continue;
    // %C is allocated/idle/other/total.
    const [allocated = 0, idle = 0, , total = 0] = (cpus ?? '').split('/').map(Number);
    out.push({ name, partition: partition.replace(/\*$/, ''), state: state ?? '', cpus: { allocated, idle, total }, gres: gres === '(null)' ? '' : (gres ?? ''), memoryMb: Number(mem) || 0 });
  }
  return out;
}

/** One line of `squeue -o SQUEUE_FORMAT`. */
export interface SlurmJobInfo {
  slurmId: number;
  /** PENDING, RUNNING, COMPLETED, CANCELLED, … */
  state: string;
  /** where it runs; null while it waits */
  node: string | null;
  /** Slurm's reason (why it waits, or why it ended) */
  reason: string;
  comment: string;
}

// `%k` (the comment) last: it is the only field that may hold the separator.
export const SQUEUE_FORMAT = '%i|%T|%N|%r|%k';

export function parseSqueue(text: string): SlurmJobInfo[] {
  const out: SlurmJobInfo[] = [];
  for (const line of text.split('\n')) {
    const parts = line.split('|');
    if (parts.length < 5) continue;
    const [id, state, node, reason] = parts as [string, string, string, string];
    const slurmId = Number(id.trim());
    // An array's element (123_4) is not one of gflow's: gflow submits single jobs.
    if (!/^\d+$/.test(id.trim())) continue;
    out.push({ slurmId, state: state.trim(), node: node.trim() === '' || node.trim() === '(null)' ? null : node.trim(), reason: reason.trim(), comment: parts.slice(4).join('|').trim() });
  }
  return out;
}

const ACTIVE = new Set(['PENDING', 'CONFIGURING', 'RUNNING', 'COMPLETING', 'SUSPENDED', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESIZING', 'SIGNALING', 'STAGE_OUT', 'STOPPED', 'RESV_DEL_HOLD', 'SPECIAL_EXIT']);

/** Whether Slurm still has the job queued or running (its end is not decided yet). */
export function isActive(state: string): boolean {
  return ACTIVE.has(state);
}

/** Whether Slurm started the job on a node (it runs, or ran). */
export function hasStarted(info: Pick<SlurmJobInfo, 'state' | 'node'>): boolean {
  return info.state !== 'PENDING' && info.node !== null;
}

const WITH_REASON = (r: string): string => (r && r !== 'None' ? ` (${r})` : '');

/**
 * How Slurm ended a job that gflow did not stop, in gflow's words; undefined when the job ended
 * by itself (its exit status says how).
 */
export function batchEnd(info: Pick<SlurmJobInfo, 'state' | 'reason'>): BatchEnd | undefined {
  switch (info.state) {
    case 'CANCELLED':
      return { state: 'cancelled', reason: `cancelled in Slurm${WITH_REASON(info.reason)}` };
    case 'TIMEOUT':
      return { state: 'timeout', reason: 'Slurm time limit reached' };
    case 'DEADLINE':
      return { state: 'timeout', reason: 'Slurm deadline reached' };
    case 'NODE_FAIL':
      return { state: 'failed', reason: `node failure in Slurm${WITH_REASON(info.reason)}` };
    case 'PREEMPTED':
      return { state: 'failed', reason: 'preempted by Slurm' };
    case 'BOOT_FAIL':
      return { state: 'failed', reason: 'node boot failure in Slurm' };
    case 'OUT_OF_MEMORY':
      return { state: 'failed', reason: 'out of memory (Slurm)' };
    default:
      return undefined;
  }
}
