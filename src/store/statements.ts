// Prepared statements, prepared once per SQL text, and job rows decoded on the way out: shared
// by the job store's parts.
import type Database from 'better-sqlite3';
import type { JobRecord } from '../core/job.js';
import type { Db } from './db.js';
import { ALL_KEYS, decode, selectList, type SqlValue } from './job-columns.js';

export type Raw = Record<string, SqlValue>;
/** Every job column, in the declared order. */
export const ALL = selectList(ALL_KEYS);

export class Statements {
  private readonly cache = new Map<string, Database.Statement>();

  constructor(readonly db: Db) {}

  get(sql: string): Database.Statement {
    let st = this.cache.get(sql);
    if (!st) {
      if (this.cache.size > 256) this.cache.clear(); // SQL built from id lists varies
      st = this.db.prepare(sql);
      this.cache.set(sql, st);
    }
    return st;
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
