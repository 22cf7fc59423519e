// The job table. Every state change goes through `transition`, which asks src/core
// whether the move is legal inside the same transaction that makes it.
import { assertTransition } from '../core/transitions.js';
import { GflowError } from '../protocol/errors.js';
import type { Job, JobState, ListQuery } from '../protocol/job.js';
import type Database from 'better-sqlite3';
import type { Db } from './db.js';
import { PATCH_COLUMNS, PLAN_COLUMNS, SLIM_COLUMNS, dependsOf, rowToJob, type JobRow, type NewJob, type PlanRow, type SlimRow, type TransitionPatch } from './job-row.js';

export { NEW_JOB_DEFAULTS, dependsOf } from './job-row.js';
export type { JobRow, NewJob, PlanRow, SlimRow, TransitionPatch } from './job-row.js';

export class JobStore {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    readonly db: Db,
    private readonly logPathOf: (id: number) => string,
  ) {}

  /** A prepared statement, prepared once per SQL text. */
  private stmt(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      if (this.statements.size > 256) this.statements.clear(); // SQL built from id lists varies
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  /**
   * Runs `fn` with every commit synced to disk before it returns: for what the API
   * acknowledges (a submission, a cancel). The scheduler's own bookkeeping (starts, ends,
   * pids) commits without waiting for the disk; the WAL is written in order, so the next
   * synced commit makes it durable too, and a crash of the daemon never loses it.
   */
  async durable<T>(fn: () => T | Promise<T>): Promise<T> {
    this.db.pragma('synchronous = FULL');
    try {
      return await fn();
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }

  toJob(row: JobRow): Job {
    return rowToJob(row, this.logPathOf(row.id));
  }

  insert(job: NewJob, now: number): JobRow {
    const columns: Record<string, string | number | null> = {
      name: job.name,
      user: job.user,
      command: job.command === null ? null : JSON.stringify(job.command),
      script: job.script,
      cwd: job.cwd,
      env: JSON.stringify(job.env),
      priority: job.priority,
      cpus: job.cpus,
      time_limit_sec: job.timeLimitSec,
      state: job.hold ? 'hold' : 'queued',
      reason: job.hold ? 'held by user' : null,
      submitted_at: now,
      token: job.token,
      gpus: job.gpus,
      gpu_shared: job.gpuShared ? 1 : 0,
      gpu_memory_mb: job.gpuMemoryMb,
      depends_on: job.dependsOn.length ? JSON.stringify(job.dependsOn) : null,
      depends_mode: job.dependsMode,
      auto_cancel: job.autoCancel ? 1 : 0,
      group_id: job.groupId,
      max_concurrent: job.maxConcurrent,
      array_task_id: job.arrayTaskId,
      params: job.params ? JSON.stringify(job.params) : null,
      max_retries: job.maxRetries,
      retry_on_timeout: job.retryOnTimeout ? 1 : 0,
      attempt: job.attempt,
      retried_from: job.retriedFrom,
      redone_from: job.redoneFrom,
      begin_at: job.beginAt,
    };
    const names = Object.keys(columns);
    const info = this.stmt(`INSERT INTO jobs (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`)
      .run(...Object.values(columns));
    return this.require(Number(info.lastInsertRowid));
  }

  /** The spec of an existing job, to submit it again (retry, redo). */
  specOf(row: JobRow): NewJob {
    const j = this.toJob(row);
    return {
      name: j.name, user: j.user, command: j.command, script: j.script, cwd: j.cwd, priority: j.priority, cpus: j.cpus,
      timeLimitSec: j.timeLimitSec, gpus: j.gpus, gpuShared: j.gpuShared, gpuMemoryMb: j.gpuMemoryMb, dependsOn: j.dependsOn,
      dependsMode: j.dependsMode, autoCancel: j.autoCancel, groupId: j.groupId, maxConcurrent: j.maxConcurrent, arrayTaskId: j.arrayTaskId,
      params: j.params, maxRetries: j.maxRetries, retryOnTimeout: j.retryOnTimeout, attempt: j.attempt, retriedFrom: j.retriedFrom,
      redoneFrom: j.redoneFrom,
      env: JSON.parse(row.env) as Record<string, string>,
      token: row.token,
      hold: false,
      beginAt: null,
    };
  }

  /** Points waiting jobs that depend on `from` at `to` instead (a retry or redo replaces it). */
  rewireDependents(from: number, to: number): number[] {
    const moved: number[] = [];
    for (const row of this.stmt("SELECT * FROM jobs WHERE state IN ('queued','hold') AND depends_on IS NOT NULL").all() as JobRow[]) {
      const deps = dependsOf(row);
      if (!deps.includes(from)) continue;
      this.stmt('UPDATE jobs SET depends_on = ? WHERE id = ?').run(JSON.stringify(deps.map((d) => (d === from ? to : d))), row.id);
      moved.push(row.id);
    }
    return moved;
  }

  /** The newest retry of a job (the job itself if it was never retried). */
  latestRetryOf(id: number): number {
    let current = id;
    for (;;) {
      const next = this.stmt('SELECT id FROM jobs WHERE retried_from = ? ORDER BY id DESC LIMIT 1').get(current) as { id: number } | undefined;
      if (!next) return current;
      current = next.id;
    }
  }

  /** Jobs by id, for dependency checks. */
  statesOf(ids: number[]): Map<number, JobState> {
    const out = new Map<number, JobState>();
    if (ids.length === 0) return out;
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      for (const r of this.stmt(`SELECT id, state FROM jobs WHERE id IN (${chunk.map(() => '?').join(',')})`).all(...chunk) as { id: number; state: JobState }[]) out.set(r.id, r.state);
    }
    return out;
  }

  /** Changes fields of a queued or held job (`gflow update`). */
  update(id: number, columns: Record<string, string | number | null>): JobRow {
    return this.db
      .transaction(() => {
        const row = this.require(id);
        if (row.state !== 'queued' && row.state !== 'hold') {
          throw new GflowError('conflict', `cannot update job ${id}: it is ${row.state}`, 'only queued or held jobs can be updated');
        }
        const names = Object.keys(columns);
        if (names.length) this.stmt(`UPDATE jobs SET ${names.map((n) => `${n} = ?`).join(', ')} WHERE id = ?`).run(...Object.values(columns), id);
        return this.require(id);
      })
      .immediate();
  }

  getSetting<T>(key: string): T | undefined {
    const row = this.stmt('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  setSetting(key: string, value: unknown): void {
    this.stmt('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value));
  }

  get(id: number): JobRow | undefined {
    return this.stmt('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
  }

  require(id: number): JobRow {
    const row = this.get(id);
    if (!row) throw new GflowError('not_found', `job ${id} does not exist`, 'see `gflow queue -a` for the jobs gflow knows');
    return row;
  }

  list(q: ListQuery): JobRow[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.ids && q.ids.length > 0) {
      where.push(`id IN (${q.ids.map(() => '?').join(',')})`);
      args.push(...q.ids);
    }
    const states = q.states && q.states.length > 0 ? q.states : q.all || q.ids?.length ? undefined : ['queued', 'hold', 'running'];
    if (states) {
      where.push(`state IN (${states.map(() => '?').join(',')})`);
      args.push(...states);
    }
    if (q.user) {
      where.push('user = ?');
      args.push(q.user);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    // With a limit, show the newest N jobs, still in ascending order.
    if (q.limit !== undefined) {
      return (
        this.stmt(`SELECT * FROM jobs ${clause} ORDER BY id DESC LIMIT ?`).all(...args, q.limit) as JobRow[]
      ).reverse();
    }
    return this.stmt(`SELECT * FROM jobs ${clause} ORDER BY id`).all(...args) as JobRow[];
  }

  /** The user's `back`-th most recent job (1 = the latest). */
  latestOf(user: string, back: number): JobRow | undefined {
    return this.stmt('SELECT * FROM jobs WHERE user = ? ORDER BY id DESC LIMIT 1 OFFSET ?')
      .get(user, back - 1) as JobRow | undefined;
  }

  byState(state: JobState): JobRow[] {
    return this.stmt('SELECT * FROM jobs WHERE state = ? ORDER BY id').all(state) as JobRow[];
  }

  /** Queued jobs, with just what planning needs: a pass reads all of them. */
  planningView(): PlanRow[] {
    return this.stmt(`SELECT ${PLAN_COLUMNS.join(', ')} FROM jobs WHERE state = 'queued' ORDER BY id`).all() as PlanRow[];
  }

  /** Jobs in a state without their environment and command. */
  slimByState(state: JobState): SlimRow[] {
    return this.stmt(`SELECT ${SLIM_COLUMNS} FROM jobs WHERE state = ? ORDER BY id`).all(state) as SlimRow[];
  }

  usedCpus(): number {
    const row = this.stmt("SELECT coalesce(sum(cpus), 0) AS n FROM jobs WHERE state = 'running'").get() as { n: number };
    return row.n;
  }

  /** Changes a job's state if src/core allows the move; returns the updated row. */
  transition(id: number, to: JobState, patch: TransitionPatch = {}): JobRow {
    return this.db
      .transaction(() => {
        const row = this.require(id);
        assertTransition(id, row.state, to);
        const sets = ['state = ?'];
        const args: (string | number | null)[] = [to];
        for (const [key, value] of Object.entries(patch) as [keyof TransitionPatch, TransitionPatch[keyof TransitionPatch]][]) {
          if (value === undefined) continue;
          sets.push(`${PATCH_COLUMNS[key]} = ?`);
          args.push(value);
        }
        this.stmt(`UPDATE jobs SET ${sets.join(', ')} WHERE id = ?`).run(...args, id);
        return this.require(id);
      })
      .immediate();
  }

  setPid(id: number, pid: number): void {
    this.stmt('UPDATE jobs SET pid = ? WHERE id = ?').run(pid, id);
  }

  /** Records that a running job is being stopped, so a restarted daemon finishes the job. */
  requestStop(id: number, kind: 'cancel' | 'timeout', now: number): JobRow {
    this.stmt("UPDATE jobs SET stop_request = coalesce(stop_request, ?), stop_requested_at = coalesce(stop_requested_at, ?), reason = ? WHERE id = ? AND state = 'running'")
      .run(kind, now, kind === 'cancel' ? 'cancelling' : 'time limit reached', id);
    return this.require(id);
  }

  markEscalated(id: number): void {
    this.stmt('UPDATE jobs SET escalated = 1 WHERE id = ?').run(id);
  }

  /** Stores why queued jobs wait, only where it changed (keeps the pass cheap). */
  setWaitReasons(reasons: Map<number, string | null>): void {
    const stmt = this.stmt("UPDATE jobs SET reason = ? WHERE id = ? AND state = 'queued' AND reason IS NOT ?");
    this.db.transaction(() => {
      for (const [id, reason] of reasons) stmt.run(reason, id, reason);
    })();
  }

  markSessionClosed(id: number): void {
    this.stmt('UPDATE jobs SET session_closed = 1 WHERE id = ?').run(id);
  }
}
