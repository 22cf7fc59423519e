// Ended jobs' records, for `gflow clean` and the daily retention.
import type { JobRecord } from '../core/job.js';
import type { JobState } from '../protocol/job.js';
import { selectList, type SqlValue } from './job-columns.js';
import type { Statements } from './statements.js';

/** What cleaning needs of an ended job. */
const REF_KEYS = ['id', 'uid', 'session', 'sessionClosed', 'attempts', 'script'] as const;
export type EndedRef = Pick<JobRecord, (typeof REF_KEYS)[number]>;
const REF = selectList(REF_KEYS);

export class JobHistory {
  constructor(private readonly sql: Statements) {}

  /** Ended jobs in these states that ended before `before` (of one owner, or everyone's), `limit` at a time after id `after`. */
  endedBefore(states: readonly JobState[], before: number, uid: number | null, after = 0, limit = 1_000_000_000): EndedRef[] {
    const owner = uid === null ? '' : ' AND uid = ?';
    const args: SqlValue[] = [after, ...states, before, ...(uid === null ? [] : [uid]), limit];
    // In id order from `after` (NOT INDEXED: the state index would sort every ended job per page).
    return this.sql.decoded(REF_KEYS, `SELECT ${REF} FROM jobs NOT INDEXED WHERE id > ? AND state IN (${states.map(() => '?').join(',')}) AND coalesce(finished_at, submitted_at) < ?${owner} ORDER BY id LIMIT ?`, ...args);
  }

  /** Jobs that queued, held or running jobs depend on: kept, so their dependents can be decided. */
  neededByActive(): Set<number> {
    const out = new Set<number>();
    for (const r of this.sql.get("SELECT depends_on AS d FROM jobs WHERE state IN ('queued','hold','running') AND depends_on IS NOT NULL").all() as { d: string }[]) for (const id of JSON.parse(r.d) as number[]) out.add(id);
    return out;
  }

  /**
   * Removes ended jobs' records, in one transaction (callers keep batches small: writers wait
   * meanwhile). The same transaction records which of them may have left files (they ran, or
   * their script was kept), so that a daemon killed before the files went leaves them listed.
   */
  deleteEnded(ids: readonly number[]): number {
    const ended = "id = ? AND state NOT IN ('queued','hold','running')";
    const listFiles = this.sql.get(`INSERT OR REPLACE INTO file_removals (${REF}) SELECT ${REF} FROM jobs WHERE ${ended} AND (session IS NOT NULL OR attempts IS NOT NULL OR script IS NOT NULL)`);
    const remove = this.sql.get(`DELETE FROM jobs WHERE ${ended}`);
    let n = 0;
    this.sql.db.transaction(() => {
      for (const id of ids) {
        listFiles.run(id);
        n += remove.run(id).changes;
      }
    }).immediate();
    return n;
  }

  /** Removed jobs whose files are still to be removed, `limit` at a time. */
  filesToRemove(limit: number): EndedRef[] {
    return this.sql.decoded(REF_KEYS, `SELECT ${REF} FROM file_removals ORDER BY id LIMIT ?`, limit);
  }

  /** These jobs' files are gone. */
  filesRemoved(ids: readonly number[]): void {
    const done = this.sql.get('DELETE FROM file_removals WHERE id = ?');
    this.sql.db.transaction(() => {
      for (const id of ids) done.run(id);
    }).immediate();
  }
}
