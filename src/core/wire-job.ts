// The daemon's record of a job made into the job clients see (src/protocol/job.ts): the wire
// type names every field that leaves the daemon; the check below fails to compile when a
// field of the record is neither on the wire nor named private, so a new column is a choice.
import type { Job } from '../protocol/job.js';
import type { JobRecord } from './job.js';

/** Fields of a job that stay inside the daemon. */
const PRIVATE_KEYS = ['env', 'token', 'stopRequest', 'stopRequestedAt', 'escalated', 'sessionClosed', 'pidStart', 'bootId'] as const;
type PrivateKey = (typeof PRIVATE_KEYS)[number];
/** Times travel as ISO 8601 strings. */
const TIME_KEYS = ['submittedAt', 'startedAt', 'finishedAt', 'beginAt'] as const;
type TimeKey = (typeof TIME_KEYS)[number];

/** The job as the record makes it: the record's public fields, times as strings. */
type RecordOnWire = {
  [K in Exclude<keyof JobRecord, PrivateKey>]: K extends TimeKey ? (null extends JobRecord[K] ? string | null : string) : JobRecord[K];
} & { logPath: string };

const PRIVATE = new Set<string>(PRIVATE_KEYS);
const TIMES = new Set<string>(TIME_KEYS);

// Wire jobs are copied from a template with every field in place (made from the first
// record): filled key by key from {}, an object of this many fields becomes a hash table,
// three times the memory and slower to serialize. A record with another number of fields
// than the template's is copied field by field (records all have every field: JobRecord).
let template: { keys: number; object: Record<string, unknown> } | undefined;

export function toWireJob(record: JobRecord, logPath: string): Job {
  const r = record as unknown as Record<string, unknown>;
  if (!template) {
    const keys = Object.keys(r).filter((k) => !PRIVATE.has(k));
    template = { keys: keys.length, object: Object.fromEntries([['logPath', null], ...keys.map((k) => [k, null])]) };
  }
  const out: Record<string, unknown> = { ...template.object };
  out.logPath = logPath;
  let filled = 0;
  for (const k in r) {
    if (PRIVATE.has(k)) continue;
    const v = r[k];
    out[k] = v !== null && TIMES.has(k) ? new Date(v as number).toISOString() : v;
    filled++;
  }
  if (filled === template.keys) return out as unknown as Job;
  const own: Record<string, unknown> = { logPath };
  for (const k in r) if (!PRIVATE.has(k)) own[k] = out[k];
  return own as unknown as Job;
}

// Compile-time: the wire's fields are exactly the record's public ones, of the same types.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const fieldsAccountedFor: Same<RecordOnWire, Job> = true;
void fieldsAccountedFor;
