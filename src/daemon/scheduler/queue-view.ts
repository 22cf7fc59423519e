// The queued jobs as planning sees them, kept in memory and brought up to date from the event
// log: a pass reads only the rows of jobs whose events came since the last pass, instead of
// the whole queue (100,000 queued jobs would cost seconds a pass). Every change to a job that
// planning reads appends an event (src/store), whichever daemon makes it. As a safety net the
// whole queue is read again now and then (in the background, in chunks), and when many events
// came at once.
//
// Jobs with dependencies or a singleton name are kept apart (only their readiness is looked
// up each pass), the view tells which jobs changed since the last pass (a full machine plans
// only those, see wait-reasons.ts), and it holds slim records with shared strings.
import type { JobStore, PlanJob } from '../../store/jobs.js';
import type { Clock } from './clock.js';

/** More events than this since the last pass: reading the whole queue is cheaper. */
const MAX_EVENTS = 5000;
const FULL_READ_EVERY_MS = 5 * 60_000;
/** ids the safety net's re-read looks at per turn of the event loop */
const REREAD_CHUNK = 2000;

/** The queue split for a pass: jobs that only wait for room, and jobs with something to check first. */
export interface QueueSplit {
  /** no dependency, not a singleton: ready as far as dependencies go, never looked up (most jobs) */
  plain: PlanJob[];
  /** with dependencies, or singletons: their readiness is looked up each pass */
  gated: PlanJob[];
}

/** Two lists in id order as one (the planner's order keeps submission order within a class). */
export function mergeById<T extends { id: number }>(a: readonly T[], b: readonly T[]): readonly T[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(a[i]!.id < b[j]!.id ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

/** The dependencies of the many jobs that have none: one frozen list. */
const NONE = Object.freeze([]) as unknown as number[];

const isGated = (j: PlanJob): boolean => j.dependsOn.length > 0 || (j.singleton && j.name !== null);

export class QueueView {
  private readonly plain = new Map<number, PlanJob>();
  private readonly gated = new Map<number, PlanJob>();
  /** the last event applied; null: not read yet */
  private seen: number | null = null;
  private readAt = 0;
  /** a job came back with a lower id than others (a requeue): sort before handing out */
  private unordered = false;
  private maxId = 0;
  /** one copy of each user, project, group and reason text, however many jobs carry it */
  private readonly strings = new Map<string, string>();
  /** plain jobs added, changed or gone since `takeChanged`; null: all of them (a full read) */
  private changed: Set<number> | null = null;
  /** plain jobs with a begin time: their reason changes with the clock */
  private readonly timed = new Map<number, PlanJob>();
  /** bumped by each full read: a re-read begun before one is dropped */
  private epoch = 0;
  private rereading: Promise<void> | null = null;
  private closed = false;
  /** how many plain jobs ask for GPUs, for memory, or for no CPU at all */
  private readonly counts = { gpus: 0, mem: 0, noCpu: 0 };

  constructor(
    private readonly store: JobStore,
    private readonly clock: Clock,
  ) {}

  /** Brings the view up to date. */
  refresh(): void {
    if (this.seen === null || !this.catchUp()) this.readAll();
    else if (!this.rereading && this.clock.now() - this.readAt > FULL_READ_EVERY_MS) {
      this.rereading = this.reread().finally(() => (this.rereading = null));
    }
    if (this.unordered) {
      for (const m of [this.plain, this.gated]) {
        const sorted = [...m.values()].sort((a, b) => a.id - b.id);
        m.clear();
        for (const j of sorted) m.set(j.id, j);
      }
      this.unordered = false;
    }
  }

  /** The queued jobs in id order, as of now. */
  current(): QueueSplit {
    this.refresh();
    return { plain: this.plainJobs(), gated: this.gatedJobs() };
  }

  /** As of the last refresh, in id order. */
  plainJobs(): PlanJob[] {
    return [...this.plain.values()];
  }

  gatedJobs(): PlanJob[] {
    return [...this.gated.values()];
  }

  /** Whether some plain job asks for GPUs, for memory, or for no CPU. */
  get asks(): { gpus: boolean; mem: boolean; noCpu: boolean } {
    return { gpus: this.counts.gpus > 0, mem: this.counts.mem > 0, noCpu: this.counts.noCpu > 0 };
  }

  /** Plain jobs with a begin time. */
  timedJobs(): PlanJob[] {
    return [...this.timed.values()];
  }

  /**
   * The plain jobs added or changed since the last call, with those whose begin time makes their
   * reason change with the clock, in id order; null after a full read (every job is new).
   */
  takeChanged(): PlanJob[] | null {
    const ids = this.changed;
    this.changed = new Set();
    if (ids === null) return null;
    for (const id of this.timed.keys()) ids.add(id);
    const out: PlanJob[] = [];
    for (const id of ids) {
      const j = this.plain.get(id);
      if (j) out.push(j);
    }
    return out.sort((a, b) => a.id - b.id);
  }

  /** A queued job as of the last refresh. */
  get(id: number): PlanJob | undefined {
    return this.plain.get(id) ?? this.gated.get(id);
  }

  /** Sets the stored reason of a job the view holds. */
  setReason(id: number, reason: string | null): void {
    const j = this.get(id);
    if (j) j.reason = reason === null ? null : this.intern(reason);
  }

  /** Forgets everything: the next refresh reads the whole queue (a new leader starts so). */
  reset(): void {
    this.seen = null;
  }

  /** Resolves when no re-read is in progress (tests). */
  async settle(): Promise<void> {
    await this.rereading;
  }

  /** Stops a re-read in progress (the scheduler closes; the database may close next). */
  async close(): Promise<void> {
    this.closed = true;
    await this.rereading;
  }

  private intern(s: string): string {
    let one = this.strings.get(s);
    if (one === undefined) {
      if (this.strings.size > 10_000) this.strings.clear(); // reasons naming job ids vary
      this.strings.set(s, (one = s));
    }
    return one;
  }

  private put(j: PlanJob): void {
    j.user = this.intern(j.user);
    j.dependsMode = this.intern(j.dependsMode) as PlanJob['dependsMode'];
    if (j.project !== null) j.project = this.intern(j.project);
    if (j.groupId !== null) j.groupId = this.intern(j.groupId);
    if (j.reason !== null) j.reason = this.intern(j.reason);
    if (j.dependsOn.length === 0) j.dependsOn = NONE;
    this.drop(j.id, false);
    if (isGated(j)) this.gated.set(j.id, j);
    else {
      this.plain.set(j.id, j);
      this.count(j, 1);
    }
  }

  /** Takes a job out; `whole`: out of both maps (else an update replaces it in place). */
  private drop(id: number, whole = true): void {
    this.changed?.add(id);
    const old = this.plain.get(id);
    if (old) this.count(old, -1);
    if (whole) {
      this.plain.delete(id);
      this.gated.delete(id);
    }
  }

  private count(j: PlanJob, by: 1 | -1): void {
    if (j.gpus > 0) this.counts.gpus += by;
    if (j.memMb !== null) this.counts.mem += by;
    if (j.cpus < 1) this.counts.noCpu += by;
    if (j.beginAt === null) return;
    if (by > 0) this.timed.set(j.id, j);
    else this.timed.delete(j.id);
  }

  private readAll(): void {
    // One snapshot: the queue and the event it reflects.
    this.store.db.transaction(() => this.load(this.store.planningView(), this.store.events.lastId()))();
  }

  /** Replaces the view with these jobs (in id order), as of event `seen`. */
  private load(jobs: readonly PlanJob[], seen: number): void {
    this.epoch++;
    this.seen = seen;
    this.plain.clear();
    this.gated.clear();
    this.strings.clear();
    this.timed.clear();
    Object.assign(this.counts, { gpus: 0, mem: 0, noCpu: 0 });
    this.changed = null;
    this.maxId = 0;
    for (const j of jobs) {
      this.put(j);
      this.maxId = j.id;
    }
    this.readAt = this.clock.now();
    this.unordered = false;
  }

  /**
   * The safety net's re-read of the whole queue, a chunk per turn of the event loop (100,000
   * jobs read at once would hold the daemon up for a second): rows read after `since` may be
   * newer than it, and the events after it bring every job changed meanwhile up to date once
   * the re-read is swapped in. A full read meanwhile makes it moot.
   */
  private async reread(): Promise<void> {
    const epoch = this.epoch;
    const since = this.store.events.lastId();
    const end = this.store.nextId(); // jobs submitted later come with events
    const jobs: PlanJob[] = [];
    for (let from = 0; from < end; from += REREAD_CHUNK) {
      await new Promise((r) => setImmediate(r));
      if (this.closed || this.epoch !== epoch) return;
      jobs.push(...this.store.planningView(undefined, { from, to: from + REREAD_CHUNK }));
    }
    this.load(jobs, since);
    if (!this.catchUp()) this.readAll();
  }

  /** Applies the events since the last pass; false when there were too many to be worth it. */
  private catchUp(): boolean {
    const events = this.store.events.jobsSince(this.seen!, MAX_EVENTS);
    if (events.length === MAX_EVENTS) return false;
    if (events.length === 0) return true;
    this.seen = events[events.length - 1]!.id;
    const touched = [...new Set(events.filter((e) => e.job !== null).map((e) => e.job!))];
    const fresh = new Map(this.store.planningView(touched).map((j) => [j.id, j]));
    for (const id of touched) {
      const j = fresh.get(id);
      if (!j) {
        this.drop(id);
        continue;
      }
      // A job already held keeps its place, unless an update moved it to the other map.
      const [into, other] = isGated(j) ? [this.gated, this.plain] : [this.plain, this.gated];
      if (other.has(id)) this.drop(id);
      if (!into.has(id) && id < this.maxId) this.unordered = true;
      this.maxId = Math.max(this.maxId, id);
      this.put(j);
    }
    return true;
  }
}
