// The SQL of a job listing (`gflow queue`, `GET /v1/jobs`): by ids, states and user, all
// columns, in id order; with a limit, the newest N.
import { ACTIVE_STATES, type ListQuery } from '../protocol/job.js';
import type { SqlValue } from './job-columns.js';
import { ALL } from './statements.js';

export function listSql(q: ListQuery): { sql: string; args: SqlValue[]; newestFirst: boolean } {
  const where: string[] = [];
  const args: SqlValue[] = [];
  const among = (column: string, values: readonly SqlValue[]): void => {
    where.push(`${column} IN (${values.map(() => '?').join(',')})`);
    args.push(...values);
  };
  if (q.ids && q.ids.length > 0) among('id', q.ids);
  // Without states, ids or --all: the active jobs.
  const states = q.states && q.states.length > 0 ? q.states : q.all || q.ids?.length ? undefined : ACTIVE_STATES;
  if (states) among('state', states);
  if (q.user) among('user', [q.user]);
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  if (q.limit === undefined) return { sql: `SELECT ${ALL} FROM jobs ${clause} ORDER BY id`, args, newestFirst: false };
  return { sql: `SELECT ${ALL} FROM jobs ${clause} ORDER BY id DESC LIMIT ?`, args: [...args, q.limit], newestFirst: true };
}
