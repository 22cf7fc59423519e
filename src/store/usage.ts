// Fair-share usage per user (src/core/fair-share.ts): one row per user with decayed CPU- and
// GPU-hours and the time they were decayed to. Written when a job ends, in that transaction.
import { charge, jobHours, type UsageRecord } from '../core/fair-share.js';
import type { JobRecord } from '../core/job.js';
import type { Db } from './db.js';
import { prepared } from './statements.js';

interface Row {
  user: string;
  cpu_hours: number;
  gpu_hours: number;
  at: number;
  jobs: number;
}

const toRecord = (r: Row): UsageRecord => ({ user: r.user, cpuHours: r.cpu_hours, gpuHours: r.gpu_hours, at: r.at, jobs: r.jobs });

export class UsageStore {
  constructor(private readonly db: Db) {}

  all(): UsageRecord[] {
    return (prepared(this.db, 'SELECT user, cpu_hours, gpu_hours, at, jobs FROM usage ORDER BY user').all() as Row[]).map(toRecord);
  }

  /** Charges an ended job's hours to its owner. Call it inside the transaction that ends the job. */
  record(job: Pick<JobRecord, 'user' | 'cpus' | 'gpus' | 'startedAt' | 'finishedAt'>, halfLifeHours: number): void {
    if (job.startedAt === null || job.finishedAt === null) return;
    const row = prepared(this.db, 'SELECT user, cpu_hours, gpu_hours, at, jobs FROM usage WHERE user = ?').get(job.user) as Row | undefined;
    const next = charge(row && toRecord(row), job.user, jobHours(job, job.finishedAt), job.finishedAt, halfLifeHours);
    prepared(this.db, 'INSERT INTO usage (user, cpu_hours, gpu_hours, at, jobs) VALUES (?, ?, ?, ?, ?) ON CONFLICT(user) DO UPDATE SET cpu_hours = excluded.cpu_hours, gpu_hours = excluded.gpu_hours, at = excluded.at, jobs = excluded.jobs')
      .run(next.user, next.cpuHours, next.gpuHours, next.at, next.jobs);
  }
}
