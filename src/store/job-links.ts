// The jobs around one job, for the dashboard's job page: those that depend on it (the other
// direction of `dependsOn`), and its retries and redos.
import type { RelatedJob } from '../protocol/web.js';
import type { Db } from './db.js';
import { prepared } from './statements.js';

export class JobLinks {
  constructor(private readonly db: Db) {}

  /** Jobs whose dependencies name this job. */
  dependentsOf(id: number): RelatedJob[] {
    return prepared(this.db, `SELECT j.id, j.name, j.state, j.user FROM jobs j, json_each(j.depends_on) d WHERE j.depends_on IS NOT NULL AND d.value = ? ORDER BY j.id`)
      .all(id) as RelatedJob[];
  }

  /** Jobs by id (those that exist), in id order. */
  brief(ids: readonly number[]): RelatedJob[] {
    if (ids.length === 0) return [];
    return prepared(this.db, `SELECT id, name, state, user FROM jobs WHERE id IN (${ids.map(() => '?').join(',')}) ORDER BY id`).all(...ids) as RelatedJob[];
  }

  /** Jobs that retried or redid this one. */
  successorsOf(id: number): RelatedJob[] {
    return prepared(this.db, 'SELECT id, name, state, user FROM jobs WHERE retried_from = ? OR redone_from = ? ORDER BY id').all(id, id) as RelatedJob[];
  }
}
