// Pure scheduling: which queued jobs start now. No I/O, no clock.

export interface Candidate {
  id: number;
  priority: number;
  cpus: number;
}

export interface Plan {
  start: number[];
  /** queued jobs that do not fit, with the reason shown in `gflow queue` */
  waiting: Map<number, string>;
}

// Order: priority descending, then submission order (id). Greedy: a job that does not fit
// is skipped and smaller jobs behind it may start (as in gflow); a job larger than the whole
// machine waits with a reason that says so.
export function planStarts(queued: readonly Candidate[], freeCpus: number, totalCpus: number): Plan {
  const ordered = [...queued].sort((a, b) => b.priority - a.priority || a.id - b.id);
  const start: number[] = [];
  const waiting = new Map<number, string>();
  let free = freeCpus;
  for (const job of ordered) {
    if (job.cpus > totalCpus) {
      waiting.set(job.id, `needs ${job.cpus} CPUs, daemon has ${totalCpus}`);
    } else if (job.cpus <= free) {
      start.push(job.id);
      free -= job.cpus;
    } else {
      waiting.set(job.id, 'Resources');
    }
  }
  return { start, waiting };
}
