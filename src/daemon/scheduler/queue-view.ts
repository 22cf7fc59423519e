// The queued jobs as planning sees them, kept in memory and brought up to date from the event
// log: a pass reads only the rows of jobs whose events came since the last pass, instead of
// the whole queue (100,000 queued jobs would cost seconds a pass). Every change to a job that
// planning reads appends an event (src/store), whichever daemon makes it. As a safety net the
// whole queue is read again now and then, and when many events came at once.
import type { JobStore, PlanJob } from '../../store/jobs.js';
import type { Clock } from './clock.js';

/** More events than this since the last pass: reading the whole queue is cheaper. */
const MAX_EVENTS = 5000;
const FULL_READ_EVERY_MS = 5 * 60_000;

export class QueueView {
  private readonly jobs = new Map<number, PlanJob>();
  /** the last event applied; null: not read yet */
  private seen: number | null = null;
  private readAt = 0;
  /** a job came back with a lower id than others (a requeue): sort before handing out */
  private unordered = false;
  private maxId = 0;

  constructor(
    private readonly store: JobStore,
    private readonly clock: Clock,
  ) {}

  /** The queued jobs in id order, as of now. */
  current(): PlanJob[] {
    if (this.seen === null || this.clock.now() - this.readAt > FULL_READ_EVERY_MS || !this.catchUp()) this.readAll();
    const out = [...this.jobs.values()];
    if (this.unordered) {
      out.sort((a, b) => a.id - b.id);
      this.jobs.clear();
      for (const j of out) this.jobs.set(j.id, j);
      this.unordered = false;
    }
    return out;
  }

  /** A queued job as of the last `current()`. */
  get(id: number): PlanJob | undefined {
    return this.jobs.get(id);
  }

  /** Forgets everything: the next `current()` reads the whole queue (a new leader starts so). */
  reset(): void {
    this.seen = null;
  }

  private readAll(): void {
    // One snapshot: the queue and the event it reflects.
    this.store.db.transaction(() => {
      this.seen = this.store.events.lastId();
      this.jobs.clear();
      for (const j of this.store.planningView()) this.jobs.set(j.id, j);
    })();
    this.maxId = Math.max(0, ...[...this.jobs.keys()].slice(-1));
    this.readAt = this.clock.now();
    this.unordered = false;
  }

  /** Applies the events since the last pass; false when there were too many to be worth it. */
  private catchUp(): boolean {
    const events = this.store.events.since({ after: this.seen!, limit: MAX_EVENTS });
    if (events.length === MAX_EVENTS) return false;
    if (events.length === 0) return true;
    this.seen = events[events.length - 1]!.id;
    const touched = [...new Set(events.filter((e) => e.job !== null).map((e) => e.job!))];
    const fresh = new Map(this.store.planningView(touched).map((j) => [j.id, j]));
    for (const id of touched) {
      const j = fresh.get(id);
      if (!j) {
        this.jobs.delete(id);
        continue;
      }
      if (!this.jobs.has(id) && id < this.maxId) this.unordered = true;
      this.maxId = Math.max(this.maxId, id);
      this.jobs.set(id, j);
    }
    return true;
  }
}
