// Ended jobs' records, for `gflow clean` and the daily retention.
import type { JobRecord } from '../core/job.js';
import type { JobState } from '../protocol/job.js';
import type { SqlValue } from './job-columns.js';
import { ALL, type Statements } from './statements.js';

export class JobHistory {
  constructor(private readonly sql: Statements) {}

  /** Ended jobs in these states that ended before `before` (of one owner, or everyone's). */
  endedBefore(states: readonly JobState[], before: number, uid: number | null): JobRecord[] {
    const owner = uid === null ? '' : ' AND uid = ?';
    const args: SqlValue[] = [...states, before, ...(uid === null ? [] : [uid])];
    return this.sql.jobs(`SELECT ${ALL} FROM jobs WHERE state IN (${states.map(() => '?').join(',')}) AND coalesce(finished_at, submitted_at) < ?${owner} ORDER BY id`, ...args);
  }

  /** Jobs that queued, held or running jobs depend on: kept, so their dependents can be decided. */
  neededByActive(): Set<number> {
    const out = new Set<number>();
    for (const r of this.sql.get("SELECT depends_on AS d FROM jobs WHERE state IN ('queued','hold','running') AND depends_on IS NOT NULL").all() as { d: string }[]) for (const id of JSON.parse(r.d) as number[]) out.add(id);
    return out;
  }

  /** Removes ended jobs' records. */
  deleteEnded(ids: readonly number[]): number {
    let n = 0;
    this.sql.db.transaction(() => {
      for (const id of ids) n += this.sql.get("DELETE FROM jobs WHERE id = ? AND state NOT IN ('queued','hold','running')").run(id).changes;
    }).immediate();
    return n;
  }
}
