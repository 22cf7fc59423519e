// The highest job id given out, kept outside the database too. A damaged -wal file loses the
// database's latest commits silently, sqlite_sequence with them; the state directory's files
// name only jobs that started, so a held or queued job that was acknowledged and then lost left
// nothing behind, and its id went to the next job. This small file beside the database is
// written and synced before the API answers (JobStore.durable), so no id a user was told is
// ever given out again.
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './db.js';
import { highestJobId, raiseJobIdFloor } from './integrity.js';

const { O_RDWR, O_CREAT, O_NOFOLLOW } = fs.constants;

export class IdMark {
  /** what this process last wrote (or read): the file is written only when ids went past it */
  private written = 0;
  private fd: number | undefined;

  constructor(readonly file: string) {}

  /** The mark beside a database file (none for an in-memory database). */
  static beside(dbFile: string): IdMark | undefined {
    return dbFile === '' || dbFile === ':memory:' ? undefined : new IdMark(path.join(path.dirname(dbFile), 'last-job-id'));
  }

  /** The highest id the file names (0: no file, or not a number). */
  read(): number {
    let text: string;
    try {
      if (this.fd === undefined) text = fs.readFileSync(this.file, 'utf8');
      else {
        const buf = Buffer.alloc(32);
        text = buf.toString('utf8', 0, fs.readSync(this.fd, buf, 0, buf.length, 0));
      }
    } catch {
      return 0;
    }
    const n = /^\s*(\d{1,15})\s*$/.exec(text);
    return n ? Number(n[1]) : 0;
  }

  /**
   * Records that ids up to `id` were given out, synced to disk. The file only grows: during a
   * reload two daemons write it, and the other one may have written a higher id meanwhile.
   * A failure is not the request's: its commit is done and synced, and the mark only guards
   * against the rare loss of the WAL; the next request tries again.
   */
  keep(id: number): void {
    if (id <= this.written) return;
    try {
      this.fd ??= fs.openSync(this.file, O_RDWR | O_CREAT | O_NOFOLLOW, 0o600);
      const high = Math.max(id, this.read());
      // Same length every time: overwritten in place, never seen half-written or short.
      fs.writeSync(this.fd, `${String(high).padStart(15)}\n`, 0);
      fs.fdatasyncSync(this.fd);
      this.written = high;
    } catch {
      // said nowhere: see above
    }
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * At start: ids continue above the highest one ever given out, even when the database lost its
 * latest commits. Answers what the database knew and the mark when it had lost ids, so that
 * the daemon says so.
 */
export function keepIdsAboveMark(db: Db): { known: number; mark: number; file: string } | undefined {
  const idMark = IdMark.beside(db.name);
  const mark = idMark?.read() ?? 0;
  const known = highestJobId(db);
  if (!idMark || mark <= known) return undefined;
  raiseJobIdFloor(db, mark);
  return { known, mark, file: idMark.file };
}
