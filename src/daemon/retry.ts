// --max-retries: a failed job (or a timed-out one, with --retry-on-timeout) is queued again as
// a new job linked to the old one; jobs waiting on the old one now wait on the retry.
import crypto from 'node:crypto';
import { specOf, type JobRecord } from '../core/job.js';
import type { JobStore } from '../store/jobs.js';
import type { Logger } from './logger.js';

export function retryIfWanted(store: JobStore, job: JobRecord, log: Logger, now: number): number | undefined {
  const retryable = job.state === 'failed' || (job.state === 'timeout' && job.retryOnTimeout);
  if (!retryable || job.stopRequest === 'cancel' || job.attempt >= job.maxRetries) return undefined;
  const next = store.insert({ ...specOf(job), attempt: job.attempt + 1, retriedFrom: job.id, token: crypto.randomBytes(16).toString('hex') }, now);
  const moved = store.lineage.rewireDependents(job.id, next.id);
  log.event(`job ${job.id} ${job.state}: retry ${job.attempt + 1} of ${job.maxRetries} is job ${next.id}${moved.length ? ` (dependents ${moved.join(',')} follow it)` : ''}`);
  return next.id;
}
