// Arrays and sweeps: the jobs of one submission, sharing a group id. An array's or sweep's id,
// as users see it, is its first job's id.
import type { JobRecord } from '../core/job.js';
import type { EventLog } from './events.js';
import { ALL, type Statements } from './statements.js';

export class JobGroups {
  constructor(
    private readonly sql: Statements,
    private readonly events: EventLog,
  ) {}

  /** The jobs of an array or sweep, in id order. */
  jobs(groupId: string): JobRecord[] {
    return this.sql.jobs(`SELECT ${ALL} FROM jobs WHERE group_id = ? ORDER BY id`, groupId);
  }

  /** Changes the running cap of every job of a group (`gflow limit`); returns how many. Each waiting job's change is an event. */
  setLimit(groupId: string, max: number | null): number {
    return this.sql.atomically(() => {
      const n = this.sql.get('UPDATE jobs SET max_concurrent = ? WHERE group_id = ?').run(max, groupId).changes;
      const now = Date.now();
      for (const j of this.sql.jobs(`SELECT ${ALL} FROM jobs WHERE group_id = ? AND state IN ('queued','hold') ORDER BY id`, groupId)) this.events.appendJob('job.updated', j, now, ['maxConcurrent']);
      return n;
    });
  }

  /** The first job of the job's array or sweep (%A); the job itself when it is alone. */
  firstOf(job: Pick<JobRecord, 'id' | 'groupId'>): number {
    if (!job.groupId) return job.id;
    return (this.sql.get('SELECT min(id) AS id FROM jobs WHERE group_id = ?').get(job.groupId) as { id: number }).id;
  }

  /** The group whose first job this is. */
  startingWith(id: number): string | undefined {
    const row = this.sql.get('SELECT group_id AS g FROM jobs WHERE id = ? AND group_id IS NOT NULL AND id = (SELECT min(id) FROM jobs j2 WHERE j2.group_id = jobs.group_id)').get(id) as { g: string } | undefined;
    return row?.g;
  }
}
