// How each field of a job (src/core/job.ts) is stored: its column and its encoding. Rows are
// decoded here and nowhere else; inserts, select lists and patches are built from this table.
import type { JobKey, JobRecord } from '../core/job.js';

/**
 * plain: as is; bool: 0/1; json: JSON text or NULL; ids: a JSON array, NULL when empty;
 * env: a JSON object, or `env:<hash>`, a reference to one stored once in `job_envs`
 * (src/store/job-envs.ts), which the select list resolves.
 */
type Codec = 'plain' | 'bool' | 'json' | 'ids' | 'list' | 'env';

export const JOB_COLUMNS: { readonly [K in JobKey]: readonly [column: string, codec: Codec] } = {
  id: ['id', 'plain'],
  name: ['name', 'plain'],
  user: ['user', 'plain'],
  uid: ['uid', 'plain'],
  project: ['project', 'plain'],
  command: ['command', 'json'],
  script: ['script', 'plain'],
  scriptPath: ['script_path', 'plain'],
  cwd: ['cwd', 'plain'],
  env: ['env', 'env'],
  priority: ['priority', 'plain'],
  cpus: ['cpus', 'plain'],
  timeLimitSec: ['time_limit_sec', 'plain'],
  state: ['state', 'plain'],
  reason: ['reason', 'plain'],
  submittedAt: ['submitted_at', 'plain'],
  startedAt: ['started_at', 'plain'],
  finishedAt: ['finished_at', 'plain'],
  exitCode: ['exit_code', 'plain'],
  signal: ['signal', 'plain'],
  endedBy: ['ended_by', 'plain'],
  session: ['session', 'plain'],
  pid: ['pid', 'plain'],
  pidStart: ['pid_start', 'plain'],
  bootId: ['boot_id', 'plain'],
  slurmId: ['slurm_id', 'plain'],
  node: ['node', 'plain'],
  token: ['token', 'plain'],
  stopRequest: ['stop_request', 'plain'],
  stopRequestedAt: ['stop_requested_at', 'plain'],
  escalated: ['escalated', 'bool'],
  sessionClosed: ['session_closed', 'bool'],
  gpus: ['gpus', 'plain'],
  gpuShared: ['gpu_shared', 'bool'],
  gpuMemoryMb: ['gpu_memory_mb', 'plain'],
  gpuIds: ['gpu_ids', 'json'],
  memMb: ['mem_mb', 'plain'],
  dependsOn: ['depends_on', 'ids'],
  dependsMode: ['depends_mode', 'plain'],
  dependsKinds: ['depends_kinds', 'json'],
  singleton: ['singleton', 'bool'],
  autoCancel: ['auto_cancel', 'bool'],
  cancelledBy: ['cancelled_by', 'plain'],
  groupId: ['group_id', 'plain'],
  maxConcurrent: ['max_concurrent', 'plain'],
  arrayTaskId: ['array_task_id', 'plain'],
  params: ['params', 'json'],
  maxRetries: ['max_retries', 'plain'],
  retryOnTimeout: ['retry_on_timeout', 'bool'],
  attempt: ['attempt', 'plain'],
  retriedFrom: ['retried_from', 'plain'],
  redoneFrom: ['redone_from', 'plain'],
  beginAt: ['begin_at', 'plain'],
  outputPath: ['output_path', 'plain'],
  maxLogBytes: ['max_log_bytes', 'plain'],
  errorPath: ['error_path', 'plain'],
  condaEnv: ['conda_env', 'plain'],
  autoClose: ['auto_close', 'bool'],
  warnSignal: ['warn_signal', 'plain'],
  warnBeforeSec: ['warn_before_sec', 'plain'],
  requeue: ['requeue', 'bool'],
  attempts: ['attempts', 'list'],
  notifyOn: ['notify_on', 'json'],
  mailUser: ['mail_user', 'plain'],
};

export const ALL_KEYS = Object.keys(JOB_COLUMNS) as JobKey[];

/** A job without its bulky fields (environment, command): what bookkeeping reads. */
export const SLIM_KEYS = ALL_KEYS.filter((k) => k !== 'env' && k !== 'command') as Exclude<JobKey, 'env' | 'command'>[];
export type SlimJob = Omit<JobRecord, 'env' | 'command'>;

/** What a scheduling pass needs of a queued job; a pass reads all of them. */
export const PLAN_KEYS = ['id', 'user', 'uid', 'project', 'priority', 'cpus', 'gpus', 'gpuShared', 'gpuMemoryMb', 'memMb', 'groupId', 'maxConcurrent', 'beginAt', 'dependsOn', 'dependsMode', 'autoCancel', 'reason', 'dependsKinds', 'singleton', 'name'] as const satisfies readonly JobKey[];
export type PlanJob = Pick<JobRecord, (typeof PLAN_KEYS)[number]>;

export type SqlValue = string | number | null;

/** Columns in an INSERT. */
export function columnList(keys: readonly JobKey[]): string {
  return keys.map((k) => JOB_COLUMNS[k][0]).join(', ');
}

/** What a SELECT from `jobs` lists: the columns, with a shared environment read in. */
export function selectList(keys: readonly JobKey[]): string {
  return keys
    .map((k) => {
      const [column, codec] = JOB_COLUMNS[k];
      return codec === 'env' ? `coalesce((SELECT body FROM job_envs WHERE hash = substr(jobs.${column}, ${ENV_REF.length + 1})), jobs.${column}) AS ${column}` : column;
    })
    .join(', ');
}

/** How the env column refers to a shared environment. */
export const ENV_REF = 'env:';

export function encode(key: JobKey, value: unknown): SqlValue {
  const codec = JOB_COLUMNS[key][1];
  if (value === null || value === undefined) return null;
  if (codec === 'bool') return value ? 1 : 0;
  if (codec === 'json' || codec === 'env') return JSON.stringify(value);
  if (codec === 'ids' || codec === 'list') return (value as unknown[]).length ? JSON.stringify(value) : null;
  return value as SqlValue;
}

// The tasks of an array share one environment, often of tens of variables: it is parsed once
// and the same frozen object handed to each of them (a cancel of 20,000 tasks reads each job
// twice or three times; parsing each copy left hundreds of MB of garbage). Nothing changes a
// record's environment in place: a job's own is copied (src/core/job-env.ts).
const ENV_CACHE_SIZE = 8;
const envCache = new Map<string, Readonly<Record<string, string>>>();
function parseEnv(text: string): Readonly<Record<string, string>> {
  const hit = envCache.get(text);
  if (hit) return hit;
  const env = Object.freeze(JSON.parse(text) as Record<string, string>);
  if (text.length < 64) return env; // `{}` and small ones: not worth a slot
  if (envCache.size >= ENV_CACHE_SIZE) envCache.delete(envCache.keys().next().value!);
  envCache.set(text, env);
  return env;
}

// Rows come as arrays (better-sqlite3's raw mode), in the order of the key list they were
// selected with: an object per row with this many columns is a hash table, built only to be
// read once.
type Decoder = (row: readonly SqlValue[], out: Record<string, unknown>) => void;
// Per key list: its decoders, and an object with every key already in place. Records copied
// from it get V8's fast properties; filled key by key from {}, a record of this many fields
// became a hash table (three times the memory, several times slower to read).
const decoders = new Map<readonly JobKey[], { template: Record<string, unknown>; each: Decoder[] }>();

function decoderFor(key: JobKey, at: number): Decoder {
  const codec = JOB_COLUMNS[key][1];
  switch (codec) {
    case 'bool':
      return (row, out) => void (out[key] = row[at] === 1);
    case 'json':
      return (row, out) => void (out[key] = row[at] === null ? null : JSON.parse(row[at] as string));
    case 'env':
      // A reference left without its environment (not expected: triggers count the references) reads as none.
      return (row, out) => void (out[key] = (row[at] as string).startsWith(ENV_REF) ? {} : parseEnv(row[at] as string));
    case 'ids':
    case 'list':
      return (row, out) => void (out[key] = row[at] === null ? [] : JSON.parse(row[at] as string));
    default:
      return (row, out) => void (out[key] = row[at]);
  }
}

/** `job` with `patch` written over it, as a read of the row after the write would return it. */
export function patched<T extends Partial<JobRecord>>(job: T, patch: Partial<JobRecord>): T {
  const out: Record<string, unknown> = { ...job };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    const codec = JOB_COLUMNS[k as JobKey][1];
    out[k] = v === null && (codec === 'ids' || codec === 'list') ? [] : v;
  }
  return out as T;
}

/** Decodes a raw row selected with `selectList(keys)`; decoders are built once per key list. */
export function decode<K extends JobKey>(row: readonly SqlValue[], keys: readonly K[]): Pick<JobRecord, K> {
  let ds = decoders.get(keys);
  if (!ds) {
    ds = { template: Object.fromEntries(keys.map((k) => [k, null])), each: keys.map((k, at) => decoderFor(k, at)) };
    decoders.set(keys, ds);
  }
  const out: Record<string, unknown> = { ...ds.template };
  for (const d of ds.each) d(row, out);
  return out as Pick<JobRecord, K>;
}
