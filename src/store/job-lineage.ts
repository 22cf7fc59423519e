// Retries and redos: a job replaced by a newer one, and the waiting jobs that follow it there.
import type { JobRecord } from '../core/job.js';
import type { EventLog } from './events.js';
import { ALL, type Statements } from './statements.js';

export class JobLineage {
  constructor(
    private readonly sql: Statements,
    private readonly events: EventLog,
    private readonly write: (id: number, fields: Partial<Omit<JobRecord, 'state' | 'id'>>) => number,
  ) {}

  /** Points waiting jobs that depend on `from` at `to` instead (a retry or redo replaces it). */
  rewireDependents(from: number, to: number): number[] {
    return this.sql.atomically(() => {
      const moved: number[] = [];
      for (const job of this.sql.jobs(`SELECT ${ALL} FROM jobs WHERE state IN ('queued','hold') AND depends_on IS NOT NULL`)) {
        if (!job.dependsOn.includes(from)) continue;
        const dependsOn = job.dependsOn.map((d) => (d === from ? to : d));
        this.write(job.id, { dependsOn });
        this.events.appendJob('job.updated', { ...job, dependsOn }, Date.now(), ['dependsOn']);
        moved.push(job.id);
      }
      return moved;
    });
  }

  /** The newest retry of a job (the job itself if it was never retried). */
  latestRetryOf(id: number): number {
    let current = id;
    for (;;) {
      const next = this.sql.get('SELECT id FROM jobs WHERE retried_from = ? ORDER BY id DESC LIMIT 1').get(current) as { id: number } | undefined;
      if (!next) return current;
      current = next.id;
    }
  }

  /** Jobs that were cancelled because job `id` failed. */
  cancelledBecauseOf(id: number): JobRecord[] {
    return this.sql.jobs(`SELECT ${ALL} FROM jobs WHERE state = 'cancelled' AND cancelled_by = ? ORDER BY id`, id);
  }
}
