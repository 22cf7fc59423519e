// Checks what clients send before anything is stored. Every failure is a 400 that names
// the field.
import path from 'node:path';
import { GflowError } from '../protocol/errors.js';
import { parseJobState, type JobState, type ListQuery, type SubmitRequest } from '../protocol/job.js';

const MAX_TEXT = 64 * 1024;
const MAX_ARGS = 10_000;

function bad(field: string, want: string): GflowError {
  return new GflowError('bad_request', `invalid field '${field}': expected ${want}`);
}

function str(v: unknown, field: string, max = MAX_TEXT): string {
  if (typeof v !== 'string' || v.length > max || v.includes('\0')) throw bad(field, `a string of at most ${max} characters without NUL`);
  return v;
}

function int(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) throw bad(field, `a whole number from ${min} to ${max}`);
  return v;
}

export function validateSubmit(body: unknown): SubmitRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('body', 'a JSON object');
  const b = body as Record<string, unknown>;
  const out: SubmitRequest = { cwd: '', env: {}, user: '' };
  out.cwd = str(b.cwd, 'cwd', 4096);
  if (!path.isAbsolute(out.cwd)) throw bad('cwd', 'an absolute path');
  out.user = str(b.user, 'user', 256);
  if (typeof b.env !== 'object' || b.env === null || Array.isArray(b.env)) throw bad('env', 'an object of strings');
  const env = b.env as Record<string, unknown>;
  if (Object.keys(env).length > 5000) throw bad('env', 'at most 5000 variables');
  for (const [k, v] of Object.entries(env)) out.env[str(k, 'env name', 1024)] = str(v, `env.${k}`, MAX_TEXT);
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
  if (b.name !== undefined && b.name !== null) {
    out.name = str(b.name, 'name', 200);
    if (/[\0-\x1f\x7f]/.test(out.name)) throw bad('name', 'a name without control characters');
  }
  if (b.priority !== undefined) out.priority = int(b.priority, 'priority', -1_000_000, 1_000_000);
  if (b.cpus !== undefined) out.cpus = int(b.cpus, 'cpus', 1, 4096);
  if (b.timeLimitSec !== undefined && b.timeLimitSec !== null) out.timeLimitSec = int(b.timeLimitSec, 'timeLimitSec', 1, 365 * 86400);
  if (b.hold !== undefined) {
    if (typeof b.hold !== 'boolean') throw bad('hold', 'true or false');
    out.hold = b.hold;
  }
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
