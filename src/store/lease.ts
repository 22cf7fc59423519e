// The scheduling lease. Two daemons share the database for a moment during a reload; only
// the one holding the lease starts, ends, times out and stops jobs. The lease names a live
// process (pid + start time): when its holder dies, anyone may take it.
import { isAlive, readStat } from '../executor/proc.js';
import type { Db } from './db.js';
import { prepared } from './statements.js';

export interface Holder {
  pid: number;
  startTime: string;
}

export class Lease {
  readonly me: Holder;

  constructor(private readonly db: Db) {
    this.me = { pid: process.pid, startTime: readStat(process.pid)?.startTime ?? '' };
  }

  holder(): Holder | undefined {
    const row = prepared(this.db, 'SELECT pid, start_time FROM leader WHERE id = 1').get() as { pid: number; start_time: string } | undefined;
    return row ? { pid: row.pid, startTime: row.start_time } : undefined;
  }

  /** Takes the lease if it is free, held by a dead process, or already ours. */
  tryAcquire(now = Date.now()): boolean {
    return this.db
      .transaction(() => {
        const h = this.holder();
        if (h && !this.isMe(h) && holderAlive(h)) return false;
        prepared(this.db, 'INSERT INTO leader (id, pid, start_time, acquired_at) VALUES (1, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET pid = excluded.pid, start_time = excluded.start_time, acquired_at = excluded.acquired_at')
          .run(this.me.pid, this.me.startTime, now);
        return true;
      })
      .immediate();
  }

  holds(): boolean {
    const h = this.holder();
    return h !== undefined && this.isMe(h);
  }

  release(): void {
    prepared(this.db, 'DELETE FROM leader WHERE id = 1 AND pid = ? AND start_time = ?').run(this.me.pid, this.me.startTime);
  }

  private isMe(h: Holder): boolean {
    return h.pid === this.me.pid && h.startTime === this.me.startTime;
  }
}

function holderAlive(h: Holder): boolean {
  return isAlive(h.pid) && readStat(h.pid)?.startTime === h.startTime;
}
