// Minute samples of the machine for the dashboard's charts: GPU utilisation and memory, and
// how many jobs run and wait. Bounded: older than the kept window is deleted as new ones come.
import type { GpuSample, Sample } from '../protocol/web.js';
import type { Db } from './db.js';
import { prepared } from './statements.js';

export class SampleStore {
  constructor(private readonly db: Db) {}

  /** Adds a sample (one per instant: a second daemon during a reload does not double it). */
  add(s: Sample): void {
    prepared(this.db, 'INSERT OR REPLACE INTO samples (at, running, queued, gpus) VALUES (?, ?, ?, ?)').run(s.at, s.running, s.queued, JSON.stringify(s.gpus));
  }

  /** The newest sample's time, or undefined. */
  latest(): number | undefined {
    const row = prepared(this.db, 'SELECT max(at) AS at FROM samples').get() as { at: number | null };
    return row.at ?? undefined;
  }

  since(from: number): Sample[] {
    const rows = prepared(this.db, 'SELECT at, running, queued, gpus FROM samples WHERE at >= ? ORDER BY at').all(from) as { at: number; running: number; queued: number; gpus: string }[];
    return rows.map((r) => ({ at: r.at, running: r.running, queued: r.queued, gpus: JSON.parse(r.gpus) as GpuSample[] }));
  }

  /** Deletes samples older than `before`; returns how many. */
  prune(before: number): number {
    return prepared(this.db, 'DELETE FROM samples WHERE at < ?').run(before).changes;
  }
}
