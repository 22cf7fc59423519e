// Environments stored once: every task of an array, sweep or `--each` submission carries the
// same environment, often tens of kilobytes, so a job row holds `env:<hash>` and the body
// lives once in `job_envs`. Triggers (migration 15) count the rows that refer to each body and
// remove a body when the last reference goes (a job ends, is cleaned or requeued with another).
import crypto from 'node:crypto';
import type { JobKey } from '../core/job.js';
import { ENV_REF, encode, type SqlValue } from './job-columns.js';
import type { Statements } from './statements.js';

export class JobEnvs {
  // The encoding of an environment object, computed once however many jobs share it.
  private readonly encoded = new WeakMap<object, { json: string; ref: string }>();

  private shared = false;

  constructor(private readonly sql: Statements) {}

  /**
   * From now on environments are stored once and referred to. Called when this daemon leads:
   * before that, the daemon a reload replaces may still read rows, and it knows only
   * environments written out whole (schema 14).
   */
  share(): void {
    this.shared = true;
  }

  /** Job fields as their columns hold them. */
  encode<K extends JobKey>(keys: readonly K[], values: { readonly [k in K]?: unknown }): SqlValue[] {
    return keys.map((k) => (k === 'env' && this.shared && values[k] ? this.ref(values[k] as Record<string, string>) : encode(k, values[k])));
  }

  /** The column value for `env`: a reference to its stored body (stored now if new); none is `{}`. */
  ref(env: Record<string, string>): string {
    let e = this.encoded.get(env);
    if (!e) {
      const json = JSON.stringify(env);
      e = { json, ref: `${ENV_REF}${crypto.createHash('sha256').update(json).digest('base64url')}` };
      this.encoded.set(env, e);
    }
    if (e.json === '{}') return e.json;
    const hash = e.ref.slice(ENV_REF.length);
    // Looked up first, so the body is not handed to SQLite again for every task of an array.
    if (!this.sql.get('SELECT 1 FROM job_envs WHERE hash = ?').get(hash)) this.sql.get('INSERT INTO job_envs (hash, body) VALUES (?, ?)').run(hash, e.json);
    return e.ref;
  }
}
