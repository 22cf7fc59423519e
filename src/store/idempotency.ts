// Remembers the answer to a state-changing request by its idempotency key, so that a
// request the CLI retries (after ECONNRESET during a reload, say) acts only once.
//
// Records are kept for a day (a retry comes within seconds; a day covers a suspended laptop)
// and then pruned. A large answer is never stored whole (a 20,000-task array's answer is
// 14 MB): its jobs are kept as ids, and a replay rebuilds them from the store — as they are
// now, which is what a retrying client wants to know anyway.
import type { JobRecord } from '../core/job.js';
import type { Job } from '../protocol/job.js';
import { GflowError } from '../protocol/errors.js';
import type { Db } from './db.js';
import { prepared } from './statements.js';

export const KEEP_MS = 24 * 3600 * 1000;
/** answers larger than this (as JSON) are stored compactly */
export const MAX_STORED_BYTES = 64 * 1024;

/** What a replay needs of the job store to rebuild a compact answer. */
export interface JobSource {
  get(id: number): JobRecord | undefined;
  toJob(job: JobRecord): Job;
}

type Stored = { status: number; body: unknown } | { status: number; compact: { fields: Record<string, unknown>; job?: number; jobs?: number[] } } | { status: number; tooLarge: true };

export class IdempotencyStore {
  constructor(
    private readonly db: Db,
    private readonly jobs: JobSource,
  ) {}

  get(key: string): { status: number; body: unknown } | undefined {
    const row = prepared(this.db, 'SELECT response FROM idempotency WHERE key = ?').get(key) as { response: string } | undefined;
    if (!row) return undefined;
    const s = JSON.parse(row.response) as Stored;
    if ('body' in s) return s;
    if ('tooLarge' in s) {
      // Still never acts twice: the request was done, only its long answer is not kept.
      throw new GflowError('conflict', 'this request was already carried out; its answer was too large to keep', 'see the result with `gflow queue -a`');
    }
    const { fields, job, jobs } = s.compact;
    const body: Record<string, unknown> = { ...fields };
    if (job !== undefined) body.job = this.rebuild(job);
    if (jobs !== undefined) body.jobs = jobs.map((id) => this.rebuild(id));
    return { status: s.status, body };
  }

  /** Call inside the transaction that performs the request's change. */
  put(key: string, status: number, body: unknown, now: number): void {
    let text = JSON.stringify({ status, body });
    if (text.length > MAX_STORED_BYTES) text = JSON.stringify(compact(status, body));
    if (text.length > MAX_STORED_BYTES) text = JSON.stringify({ status, tooLarge: true });
    prepared(this.db, 'INSERT OR REPLACE INTO idempotency (key, response, created_at) VALUES (?, ?, ?)').run(key, text, now);
  }

  /** Forgets the answers older than the retention window; returns how many. */
  prune(now: number): number {
    return prepared(this.db, 'DELETE FROM idempotency WHERE created_at < ?').run(now - KEEP_MS).changes;
  }

  private rebuild(id: number): Job {
    const row = this.jobs.get(id);
    if (!row) throw new GflowError('conflict', `this request was already carried out (job ${id}), and the job has since been removed`, 'see what remains with `gflow queue -a`');
    return this.jobs.toJob(row);
  }
}

// The answers that grow with a request's size are lists of jobs (`job`, `jobs`): keep their ids.
function compact(status: number, body: unknown): Stored {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { status, tooLarge: true };
  const { job, jobs, ...fields } = body as { job?: Job; jobs?: Job[] } & Record<string, unknown>;
  // Nothing to shrink (a clean's answer of 900,000 ids): not serialized a second time (~25 ms).
  if (job === undefined && jobs === undefined) return { status, tooLarge: true };
  const out: Stored = { status, compact: { fields } };
  if (job !== undefined) out.compact.job = job.id;
  if (jobs !== undefined) out.compact.jobs = jobs.map((j) => j.id);
  return out;
}
