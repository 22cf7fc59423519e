// The scheduler's timers: each running job's time limit, and the earliest --begin time.
import type { JobRecord } from '../../core/job.js';
import { MAX_TIMER_MS, type Clock } from './clock.js';

export class Timers {
  private readonly deadlines = new Map<number, unknown>();
  private begin: unknown = null;

  constructor(
    private readonly clock: Clock,
    /** a job reached its time limit */
    private readonly onDeadline: (id: number) => void,
    /** a begin time came */
    private readonly onBegin: () => void,
  ) {}

  armDeadline(job: Pick<JobRecord, 'id' | 'timeLimitSec' | 'startedAt'>): void {
    if (job.timeLimitSec === null || job.startedAt === null || this.deadlines.has(job.id)) return;
    const due = job.startedAt + job.timeLimitSec * 1000 - this.clock.now();
    const delay = Math.min(Math.max(0, due), MAX_TIMER_MS);
    this.deadlines.set(
      job.id,
      this.clock.setTimeout(() => {
        this.deadlines.delete(job.id);
        if (delay < due) this.armDeadline(job);
        else this.onDeadline(job.id);
      }, delay),
    );
  }

  clearDeadline(id: number): void {
    const t = this.deadlines.get(id);
    if (t !== undefined) this.clock.clearTimeout(t);
    this.deadlines.delete(id);
  }

  /** Wakes the scheduler at the earliest future begin time (none: no timer). */
  armBegin(next: number | undefined): void {
    if (this.begin !== null) this.clock.clearTimeout(this.begin);
    this.begin = null;
    if (next === undefined) return;
    this.begin = this.clock.setTimeout(() => this.onBegin(), Math.min(Math.max(0, next - this.clock.now()), MAX_TIMER_MS));
  }

  clearAll(): void {
    for (const t of this.deadlines.values()) this.clock.clearTimeout(t);
    this.deadlines.clear();
    this.armBegin(undefined);
  }
}
