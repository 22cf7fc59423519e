// Prepared statements, prepared once per SQL text, and job rows decoded on the way out: shared
// by the job store's parts.
import type Database from 'better-sqlite3';
import type { JobKey, JobRecord } from '../core/job.js';
import type { Db } from './db.js';
import { ALL_KEYS, decode, selectList, type SqlValue } from './job-columns.js';

/** Every job column, in the declared order. */
export const ALL = selectList(ALL_KEYS);

const caches = new WeakMap<Db, Map<string, Database.Statement>>();

/**
 * The statement for `sql` on `db`, prepared once (preparing costs more than most runs).
 * `raw`: its rows are arrays (a mode of the statement, so such statements are kept apart).
 */
export function prepared(db: Db, sql: string, raw = false): Database.Statement {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  const key = raw ? `raw:${sql}` : sql;
  let st = cache.get(key);
  if (!st) {
    if (cache.size > 256) cache.clear(); // SQL built from id lists varies
    st = db.prepare(sql);
    if (raw) st.raw(true);
    cache.set(key, st);
  }
  return st;
}

export class Statements {
  constructor(readonly db: Db) {}

  get(sql: string): Database.Statement {
    return prepared(this.db, sql);
  }

  /** Runs `fn` in one immediate transaction (or in the one already open). */
  atomically<T>(fn: () => T): T {
    return this.db.inTransaction ? fn() : this.db.transaction(fn).immediate();
  }

  /** Whole jobs selected by `SELECT ${ALL} …`. */
  jobs(sql: string, ...args: SqlValue[]): JobRecord[] {
    return this.decoded(ALL_KEYS, sql, ...args);
  }

  /** Jobs selected by `SELECT ${selectList(keys)} …`, decoded. */
  decoded<K extends JobKey>(keys: readonly K[], sql: string, ...args: SqlValue[]): Pick<JobRecord, K>[] {
    return (prepared(this.db, sql, true).all(...args) as SqlValue[][]).map((r) => decode(r, keys));
  }

  /** The same, one row at a time: a whole queue is never held twice, raw and decoded. */
  *eachDecoded<K extends JobKey>(keys: readonly K[], sql: string, ...args: SqlValue[]): Generator<Pick<JobRecord, K>> {
    for (const r of prepared(this.db, sql, true).iterate(...args) as IterableIterator<SqlValue[]>) yield decode(r, keys);
  }
}

/** Runs `fn` on `ids` 500 at a time (SQLite's limit on bound variables) and joins the answers. */
export function inChunks<T>(ids: readonly number[], fn: (chunk: number[], marks: string) => T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    out.push(...fn(chunk, chunk.map(() => '?').join(',')));
  }
  return out;
}
