// `gflow stats`: what ended jobs did over a period (GET /v1/stats). Times are ISO 8601.
import type { Job } from './job.js';

/** Median and 90th percentile of a duration, in seconds; null when no job had one. */
export interface Spread {
  median: number | null;
  p90: number | null;
}

/** Figures for a set of ended jobs: all of them, one user's or one project's. */
export interface StatsGroup {
  /** the user or project ('' for jobs without a project); 'all' for the total */
  key: string;
  jobs: number;
  /** ended jobs by state: finished, failed, cancelled, timeout */
  byState: Record<string, number>;
  /** finished / (finished + failed + timeout); cancelled jobs are left out; null: none */
  successRate: number | null;
  /** submitted → started */
  waitSec: Spread;
  /** started → ended */
  runSec: Spread;
  gpuHours: number;
  cpuHours: number;
}

export interface StatsResponse {
  /** jobs that ended at or after this (null: all time) */
  since: string | null;
  until: string;
  /** the filters applied (null: none) */
  user: string | null;
  project: string | null;
  total: StatsGroup;
  users: StatsGroup[];
  projects: StatsGroup[];
  /** the jobs that ran longest, longest first */
  longest: { job: Job; runSec: number }[];
  /** jobs ended per bucket of `bucketHours` hours, from `start` to `until` */
  ended: { start: string; bucketHours: number; counts: number[] };
}
