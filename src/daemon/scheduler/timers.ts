// The scheduler's timers: each running job's time limit, and the earliest --begin time.
import type { JobRecord } from '../../core/job.js';
import { MAX_TIMER_MS, type Clock } from './clock.js';

type Timed = Pick<JobRecord, 'id' | 'timeLimitSec' | 'startedAt'> & Partial<Pick<JobRecord, 'warnSignal' | 'warnBeforeSec'>>;

export class Timers {
  private readonly deadlines = new Map<number, unknown>();
  /** --signal: the warning before each job's time limit */
  private readonly warnings = new Map<number, unknown>();
  private begin: unknown = null;

  constructor(
    private readonly clock: Clock,
    /** a job reached its time limit */
    private readonly onDeadline: (id: number) => void,
    /** a begin time came */
    private readonly onBegin: () => void,
    /** a job's --signal is due */
    private readonly onWarn: (id: number, signal: string) => void = () => {},
  ) {}

  armDeadline(job: Timed): void {
    this.armWarning(job);
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

  // A warning whose time passed while no daemon ran is not sent late: the job may be about to
  // be stopped anyway, and a second copy after a restart would confuse its handler.
  private armWarning(job: Timed): void {
    if (!job.warnSignal || !job.warnBeforeSec || job.timeLimitSec === null || job.startedAt === null || this.warnings.has(job.id)) return;
    const due = job.startedAt + (job.timeLimitSec - job.warnBeforeSec) * 1000 - this.clock.now();
    if (due < 0) return;
    const delay = Math.min(due, MAX_TIMER_MS);
    this.warnings.set(
      job.id,
      this.clock.setTimeout(() => {
        this.warnings.delete(job.id);
        if (delay < due) this.armWarning(job);
        else this.onWarn(job.id, job.warnSignal!);
      }, delay),
    );
  }

  clearDeadline(id: number): void {
    const w = this.warnings.get(id);
    if (w !== undefined) this.clock.clearTimeout(w);
    this.warnings.delete(id);
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
    for (const t of [...this.deadlines.values(), ...this.warnings.values()]) this.clock.clearTimeout(t);
    this.deadlines.clear();
    this.warnings.clear();
    this.armBegin(undefined);
  }
}
