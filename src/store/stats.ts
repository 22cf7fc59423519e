// What `gflow stats` reads: ended jobs in a period, optionally one user's or project's.
// A million ended jobs must take well under a second, and handing rows to JavaScript one by one
// costs microseconds each, so SQLite does the work in one scan of the covering index
// `jobs_ended` (migration 10), grouped in the index's own order (no sort): counts and sums per
// user, project and state, and the per-job figures percentiles need as one JSON array each
// (JSON.parse reads a million numbers in milliseconds).
import type { EndedGroup } from '../core/job-stats.js';
import type { Db } from './db.js';

export interface EndedFilter {
  /** ended at or after (ms since the epoch); undefined: all time */
  since?: number;
  user?: string;
  project?: string;
}

function whereOf(f: EndedFilter): string {
  const where = ['finished_at IS NOT NULL'];
  if (f.since !== undefined) where.push('finished_at >= @since');
  if (f.user !== undefined) where.push('user = @user');
  if (f.project !== undefined) where.push('project = @project');
  return where.join(' AND ');
}

type Raw = [string, string | null, string, number, number | null, number | null, string, string, string, string];

/** Ended jobs by user, project and state. Jobs that never started have null wait and run. */
export function endedGroups(db: Db, f: EndedFilter): EndedGroup[] {
  const sql = `SELECT user, project, state, count(*), sum(gpus * (finished_at - started_at)), sum(cpus * (finished_at - started_at)),
      json_group_array((started_at - submitted_at) / 1000), json_group_array((finished_at - started_at) / 1000),
      json_group_array(finished_at / 3600000), json_group_array(id)
    FROM jobs INDEXED BY jobs_ended WHERE ${whereOf(f)} GROUP BY user, project, state`;
  const rows = db.prepare(sql).raw().all(f) as Raw[];
  return rows.map((r) => ({
    user: r[0],
    project: r[1],
    state: r[2],
    jobs: r[3],
    gpuMs: r[4] ?? 0,
    cpuMs: r[5] ?? 0,
    waitSec: JSON.parse(r[6]) as (number | null)[],
    runSec: JSON.parse(r[7]) as (number | null)[],
    endHour: JSON.parse(r[8]) as number[],
    ids: JSON.parse(r[9]) as number[],
  }));
}
