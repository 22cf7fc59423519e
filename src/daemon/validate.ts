// Checks what clients send before anything is stored. Every failure is a 400 that names
// the field.
import path from 'node:path';
import { GflowError } from '../protocol/errors.js';
import type { UpdateRequest } from '../protocol/api.js';
import { EMAIL_ADDRESS, isNotifyEvent, type NotifyEvent } from '../core/notify-on.js';
import { checkWarnSignal } from '../core/signals.js';
import { DEP_KINDS, parseJobState, type BatchRequest, type DepKind, type JobState, type ListQuery, type SubmitRequest, type TaskSpec } from '../protocol/job.js';

const MAX_TEXT = 64 * 1024;
const MAX_ARGS = 10_000;

function bad(field: string, want: string): GflowError {
  return new GflowError('bad_request', `invalid field '${field}': expected ${want}`, undefined, { field: { name: field, expected: want } });
}

// Limits said in a person's units, not the wire's (seconds, MB, ms since the epoch), so that
// the CLI can repeat them next to its own flag.
const seconds = (v: unknown, field: string): number => int(v, field, 1, 365 * 86400, 'a duration from 1 second to 365 days');
const megabytes = (v: unknown, field: string, maxMb: number, maxText: string): number => int(v, field, 1, maxMb, `a size from 1M to ${maxText}`);
const epochMs = (v: unknown, field: string): number => int(v, field, 0, 8.64e15, 'a date and time');

function str(v: unknown, field: string, max = MAX_TEXT): string {
  if (typeof v !== 'string' || v.length > max || v.includes('\0')) throw bad(field, `a string of at most ${max} characters without NUL`);
  return v;
}

function int(v: unknown, field: string, min: number, max: number, want = `a whole number from ${min} to ${max}`): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) throw bad(field, want);
  return v;
}

export function validateSubmit(body: unknown): SubmitRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('body', 'a JSON object');
  const b = body as Record<string, unknown>;
  const out: SubmitRequest = { cwd: '', env: {} };
  out.cwd = str(b.cwd, 'cwd', 4096);
  if (!path.isAbsolute(out.cwd)) throw bad('cwd', 'an absolute path');
  // A claimed user name is read for compatibility and ignored: the kernel says who calls.
  if (b.user !== undefined) out.user = str(b.user, 'user', 256);
  out.env = environment(b.env);
  const sources = ['command', 'script', 'scriptText'].filter((k) => b[k] !== undefined);
  if (sources.length !== 1) throw new GflowError('bad_request', 'give exactly one of command, script or scriptText');
  if (b.command !== undefined) {
    if (!Array.isArray(b.command) || b.command.length === 0 || b.command.length > MAX_ARGS) throw bad('command', 'a non-empty array of strings');
    out.command = b.command.map((a, i) => str(a, `command[${i}]`));
    if (out.command[0] === '') throw bad('command[0]', 'a program name');
  }
  if (b.script !== undefined) {
    out.script = str(b.script, 'script', 4096);
    if (!path.isAbsolute(out.script)) throw bad('script', 'an absolute path');
  }
  if (b.scriptText !== undefined) out.scriptText = str(b.scriptText, 'scriptText', 1024 * 1024);
  if (b.scriptPath !== undefined) {
    if (out.scriptText === undefined) throw bad('scriptPath', 'given with scriptText');
    out.scriptPath = str(b.scriptPath, 'scriptPath', 4096);
  }
  if (b.name !== undefined && b.name !== null) {
    out.name = str(b.name, 'name', 200);
    if (/[\0-\x1f\x7f-\x9f]/.test(out.name)) throw bad('name', 'a name without control characters');
  }
  if (b.priority !== undefined) out.priority = int(b.priority, 'priority', -1_000_000, 1_000_000);
  if (b.cpus !== undefined) out.cpus = int(b.cpus, 'cpus', 1, 4096);
  if (b.timeLimitSec !== undefined && b.timeLimitSec !== null) out.timeLimitSec = seconds(b.timeLimitSec, 'timeLimitSec');
  if (b.hold !== undefined) out.hold = bool(b.hold, 'hold');
  if (b.gpus !== undefined) out.gpus = int(b.gpus, 'gpus', 0, 64);
  if (b.shared !== undefined) out.shared = bool(b.shared, 'shared');
  if (b.gpuMemoryMb !== undefined) out.gpuMemoryMb = megabytes(b.gpuMemoryMb, 'gpuMemoryMb', 10_000_000, '10T');
  if (out.shared && out.gpuMemoryMb === undefined) throw new GflowError('bad_request', 'a shared GPU job needs gpuMemoryMb', 'add --gpu-memory, e.g. --gpu-memory 20G');
  if (b.dependsOn !== undefined) out.dependsOn = ids(b.dependsOn, 'dependsOn');
  if (b.dependsMode !== undefined) out.dependsMode = mode(b.dependsMode);
  if (b.dependsKinds !== undefined) out.dependsKinds = kinds(b.dependsKinds, out.dependsOn);
  if (b.singleton !== undefined) out.singleton = bool(b.singleton, 'singleton');
  if (b.autoCancel !== undefined) out.autoCancel = bool(b.autoCancel, 'autoCancel');
  if (b.maxConcurrent !== undefined) out.maxConcurrent = int(b.maxConcurrent, 'maxConcurrent', 1, 100_000);
  if (b.maxRetries !== undefined) out.maxRetries = int(b.maxRetries, 'maxRetries', 0, 100);
  if (b.retryOnTimeout !== undefined) out.retryOnTimeout = bool(b.retryOnTimeout, 'retryOnTimeout');
  if (b.beginAt !== undefined) out.beginAt = epochMs(b.beginAt, 'beginAt');
  if (b.project !== undefined && b.project !== null) out.project = name(b.project, 'project');
  if (b.memMb !== undefined) out.memMb = megabytes(b.memMb, 'memMb', 1024 ** 3, '1P');
  if (b.outputPath !== undefined) out.outputPath = str(b.outputPath, 'outputPath', 4096);
  if (b.maxLogBytes !== undefined) out.maxLogBytes = int(b.maxLogBytes, 'maxLogBytes', 1024, 2 ** 50, 'a size from 1K to 1P');
  if (b.errorPath !== undefined) out.errorPath = str(b.errorPath, 'errorPath', 4096);
  if (b.condaEnv !== undefined) out.condaEnv = str(b.condaEnv, 'condaEnv', 4096);
  if (b.autoClose !== undefined) out.autoClose = bool(b.autoClose, 'autoClose');
  if (b.requeue !== undefined) out.requeue = bool(b.requeue, 'requeue');
  if (b.warnSignal !== undefined) {
    out.warnSignal = str(b.warnSignal, 'warnSignal', 20);
    if (!/^SIG[A-Z0-9]+$/.test(out.warnSignal)) throw bad('warnSignal', 'a signal name like SIGUSR1');
    out.warnBeforeSec = seconds(b.warnBeforeSec, 'warnBeforeSec');
    checkWarnSignal(out.warnBeforeSec, out.timeLimitSec);
  }
  if (b.mailUser !== undefined) {
    out.mailUser = str(b.mailUser, 'mailUser', 254);
    if (!EMAIL_ADDRESS.test(out.mailUser)) throw bad('mailUser', 'an e-mail address like alice@example.com');
  }
  if (b.notifyOn !== undefined) {
    if (!Array.isArray(b.notifyOn) || b.notifyOn.length === 0 || !b.notifyOn.every((e) => typeof e === 'string' && isNotifyEvent(e))) throw bad('notifyOn', 'an array of start, end, fail, timeout, cancel');
    if (out.mailUser === undefined) throw new GflowError('bad_request', 'notifyOn says what mailUser is told of, and there is no mailUser', 'add --mail-user ADDRESS');
    out.notifyOn = [...new Set(b.notifyOn as NotifyEvent[])];
  }
  return out;
}

/** A user or project name: what `gflow queue` can show in a column and a shell can pass. */
export function name(v: unknown, field: string): string {
  const s = str(v, field, 64);
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(s)) throw bad(field, 'a name of letters, digits, _ . - (at most 64)');
  return s;
}


// What Linux hands a program (execve): each NAME=value at most 128 KiB (MAX_ARG_STRLEN), all
// of them within ARG_MAX (2 MiB with the usual 8 MiB stack). A bigger environment could never
// reach the job, so it is refused at submit; anything smaller is taken whole.
const MAX_ENV_ENTRY = 128 * 1024;
const MAX_ENV_TOTAL = 2 * 1024 * 1024;

/** A submitter's environment: an object of strings that a program can be given. */
export function environment(v: unknown): Record<string, string> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad('env', 'an object of strings');
  const out: Record<string, string> = {};
  let total = 0;
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (k === '' || k.includes('=') || k.includes('\0')) throw bad('env', 'variable names without = or NUL');
    if (typeof val !== 'string' || val.includes('\0')) throw bad(`env.${k}`, 'a string without NUL');
    const bytes = entryBytes(k, val);
    if (bytes > MAX_ENV_ENTRY) throw new GflowError('bad_request', `the environment variable ${k.slice(0, 60)} is ${Math.ceil(bytes / 1024)} KB; Linux passes at most 128 KB per variable to a program`, 'unset it before submitting, or choose what the job gets with --export');
    total += bytes + 8; // and its pointer
    out[k] = val;
  }
  if (total > MAX_ENV_TOTAL) throw new GflowError('bad_request', `the environment is ${(total / 1024 / 1024).toFixed(1)} MB; Linux passes at most 2 MB of environment to a program`, 'choose what the job gets with --export (e.g. --export PATH,HOME,CUDA_HOME)');
  return out;
}

/** NAME=value and its NUL. */
function entryBytes(k: string, val: string): number {
  return Buffer.byteLength(k) + Buffer.byteLength(val) + 2;
}

/** The size of an environment as Linux counts it against ARG_MAX (each entry and its pointer). */
export function environmentBytes(env: Record<string, string>): number {
  let total = 0;
  for (const k in env) total += entryBytes(k, env[k]!) + 8;
  return total;
}

function bool(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') throw bad(field, 'true or false');
  return v;
}

function ids(v: unknown, field: string): number[] {
  if (!Array.isArray(v) || v.length > 1000) throw bad(field, 'an array of at most 1000 job ids');
  const out = v.map((x, i) => int(x, `${field}[${i}]`, 1, Number.MAX_SAFE_INTEGER));
  if (new Set(out).size !== out.length) throw bad(field, 'job ids, each once');
  return out;
}

// One kind per dependency, in the same order (ids are deduplicated, so kinds must match them).
function kinds(v: unknown, deps: number[] | undefined): DepKind[] {
  if (!Array.isArray(v) || !deps || v.length !== deps.length || !v.every((k) => (DEP_KINDS as readonly unknown[]).includes(k))) {
    throw bad('dependsKinds', `an array of ${DEP_KINDS.join(', ')}, one per dependency in dependsOn`);
  }
  return v as DepKind[];
}

function mode(v: unknown): 'all' | 'any' {
  if (v !== 'all' && v !== 'any') throw bad('dependsMode', "'all' or 'any'");
  return v;
}

export const MAX_BATCH = 100_000;

export function validateBatch(body: unknown): BatchRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('body', 'a JSON object');
  const b = body as Record<string, unknown>;
  const base = validateSubmit(b.base);
  if (!Array.isArray(b.tasks) || b.tasks.length === 0 || b.tasks.length > MAX_BATCH) throw bad('tasks', `an array of 1 to ${MAX_BATCH} tasks`);
  const tasks = b.tasks.map((t, i): TaskSpec => {
    if (typeof t !== 'object' || t === null || Array.isArray(t)) throw bad(`tasks[${i}]`, 'an object');
    const task = t as Record<string, unknown>;
    const out: TaskSpec = {};
    if (task.command !== undefined) {
      if (!Array.isArray(task.command) || task.command.length === 0) throw bad(`tasks[${i}].command`, 'a non-empty array of strings');
      out.command = task.command.map((a, j) => str(a, `tasks[${i}].command[${j}]`));
    }
    if (task.scriptText !== undefined) out.scriptText = str(task.scriptText, `tasks[${i}].scriptText`, 1024 * 1024);
    if (task.name !== undefined) out.name = str(task.name, `tasks[${i}].name`, 200);
    if (task.arrayTaskId !== undefined) out.arrayTaskId = int(task.arrayTaskId, `tasks[${i}].arrayTaskId`, 0, 1e9);
    if (task.params !== undefined) {
      if (typeof task.params !== 'object' || task.params === null || Array.isArray(task.params)) throw bad(`tasks[${i}].params`, 'an object of strings');
      out.params = Object.fromEntries(Object.entries(task.params).map(([k, v]) => [str(k, 'param name', 200), str(v, `tasks[${i}].params.${k}`)]));
    }
    return out;
  });
  return { base, tasks };
}

export function validateUpdate(body: unknown): UpdateRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('body', 'a JSON object');
  const b = body as Record<string, unknown>;
  const out: UpdateRequest = {};
  if (b.name !== undefined) out.name = str(b.name, 'name', 200);
  if (b.priority !== undefined) out.priority = int(b.priority, 'priority', -1_000_000, 1_000_000);
  if (b.cpus !== undefined) out.cpus = int(b.cpus, 'cpus', 1, 4096);
  if (b.timeLimitSec !== undefined) out.timeLimitSec = b.timeLimitSec === null ? null : seconds(b.timeLimitSec, 'timeLimitSec');
  if (b.gpus !== undefined) out.gpus = int(b.gpus, 'gpus', 0, 64);
  if (b.dependsOn !== undefined) out.dependsOn = ids(b.dependsOn, 'dependsOn');
  if (b.dependsMode !== undefined) out.dependsMode = mode(b.dependsMode);
  if (b.dependsKinds !== undefined) out.dependsKinds = kinds(b.dependsKinds, out.dependsOn);
  if (b.beginAt !== undefined) out.beginAt = b.beginAt === null ? null : epochMs(b.beginAt, 'beginAt');
  if (b.maxRetries !== undefined) out.maxRetries = int(b.maxRetries, 'maxRetries', 0, 100);
  if (Object.keys(out).length === 0) throw new GflowError('bad_request', 'nothing to update', 'give at least one field to change');
  return out;
}

export function parseListQuery(params: URLSearchParams): ListQuery {
  const q: ListQuery = {};
  const states = params.get('states');
  if (states) {
    q.states = states.split(',').map((s) => {
      const st = parseJobState(s);
      if (!st) throw new GflowError('bad_request', `unknown state '${s}'`, 'use PD, H, R, CD, F, CA, TO or their names');
      return st;
    }) as JobState[];
  }
  const ids = params.get('ids');
  if (ids) {
    q.ids = ids.split(',').map((s) => {
      const n = Number(s);
      if (!Number.isSafeInteger(n) || n < 1) throw bad('ids', 'positive job ids');
      return n;
    });
    if (q.ids.length > 100_000) throw bad('ids', 'at most 100000 ids');
  }
  if (params.get('all') === '1') q.all = true;
  const limit = params.get('limit');
  if (limit !== null) {
    const n = Number(limit);
    if (!Number.isSafeInteger(n) || n < 1) throw bad('limit', 'a positive whole number');
    q.limit = n;
  }
  const user = params.get('user');
  if (user) q.user = user;
  return q;
}

export function parseId(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) throw new GflowError('bad_request', `invalid job id '${text}'`, 'job ids are positive whole numbers');
  return n;
}
