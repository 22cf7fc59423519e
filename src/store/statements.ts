// Prepared statements, prepared once per SQL text, and job rows decoded on the way out: shared
// by the job store's parts.
import type Database from 'better-sqlite3';
import type { JobRecord } from '../core/job.js';
import type { Db } from './db.js';
import { ALL_KEYS, decode, selectList, type SqlValue } from './job-columns.js';

export type Raw = Record<string, SqlValue>;
/** Every job column, in the declared order. */
export const ALL = selectList(ALL_KEYS);

const caches = new WeakMap<Db, Map<string, Database.Statement>>();

/** The statement for `sql` on `db`, prepared once (preparing costs more than most runs). */
export function prepared(db: Db, sql: string): Database.Statement {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let st = cache.get(sql);
  if (!st) {
    if (cache.size > 256) cache.clear(); // SQL built from id lists varies
    st = db.prepare(sql);
    cache.set(sql, st);
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
    return (this.get(sql).all(...args) as Raw[]).map((r) => decode(r, ALL_KEYS));
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
