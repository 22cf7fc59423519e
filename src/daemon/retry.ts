// --max-retries: a failed job (or a timed-out one, with --retry-on-timeout) is queued again as
// a new job linked to the old one; jobs waiting on the old one now wait on the retry.
import crypto from 'node:crypto';
import type { JobRow, JobStore } from '../store/jobs.js';
import type { Logger } from './logger.js';

export function retryIfWanted(store: JobStore, row: JobRow, log: Logger, now: number): number | undefined {
  const retryable = row.state === 'failed' || (row.state === 'timeout' && row.retry_on_timeout === 1);
  if (!retryable || row.stop_request === 'cancel' || row.attempt >= row.max_retries) return undefined;
  const next = store.insert({ ...store.specOf(row), attempt: row.attempt + 1, retriedFrom: row.id, token: crypto.randomBytes(16).toString('hex') }, now);
  const moved = store.rewireDependents(row.id, next.id);
  log.event(`job ${row.id} ${row.state}: retry ${row.attempt + 1} of ${row.max_retries} is job ${next.id}${moved.length ? ` (dependents ${moved.join(',')} follow it)` : ''}`);
  return next.id;
}
