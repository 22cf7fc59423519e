// The job table. Every state change goes through `transition`, which asks src/core whether the move is legal
// inside the same transaction that makes it. Rows leave this file decoded (src/store/job-columns.ts); all job SQL lives here.
import { NOT_RUN_YET, type JobKey, type JobPatch, type JobRecord, type NewJob, type StopRequest, type TransitionPatch } from '../core/job.js';
import { assertRequeue, assertTransition } from '../core/transitions.js';
import { attemptOf } from '../core/requeue.js';
import { toWireJob } from '../core/wire-job.js';
import type { NamedJob } from '../core/deps.js';
import { GflowError } from '../protocol/errors.js';
import type { Job, JobState, ListQuery } from '../protocol/job.js';
import type Database from 'better-sqlite3';
import type { Db } from './db.js';
import { EventLog, eventOfMove } from './events.js';
import { JobGroups } from './job-groups.js';
import { JobHistory } from './job-history.js';
import { JobLineage } from './job-lineage.js';
import { JobEnvs } from './job-envs.js';
import { IdMark } from './id-mark.js';
import { listSql } from './job-list.js';
import { ALL, inChunks, Statements } from './statements.js';
import { JOB_COLUMNS, PLAN_KEYS, SLIM_KEYS, columnList, patched, selectList, type PlanJob, type SlimJob, type SqlValue } from './job-columns.js';

export type { PlanJob, SlimJob } from './job-columns.js';
const SLIM = selectList(SLIM_KEYS);
const PLAN = selectList(PLAN_KEYS);

// A submission's statement, built once per set of fields (they are the same for every job).
const insertSqls = new Map<string, string>();
function insertSql(keys: readonly JobKey[]): string {
  const id = keys.join();
  let sql = insertSqls.get(id);
  if (!sql) insertSqls.set(id, (sql = `INSERT INTO jobs (${columnList(keys)}) VALUES (${keys.map(() => '?').join(', ')})`));
  return sql;
}

export class JobStore {
  private readonly sql: Statements;
  /** arrays and sweeps */
  readonly groups: JobGroups;
  /** ended jobs, for clean and retention */
  readonly history: JobHistory;
  /** retries, redos and the jobs waiting on them */
  readonly lineage: JobLineage;
  /** the event stream: every change below appends its event in the same transaction */
  readonly events: EventLog;
  /** environments stored once (src/store/job-envs.ts) */
  readonly envs: JobEnvs;

  constructor(
    readonly db: Db,
    private readonly logPathOf: (job: Pick<JobRecord, 'id' | 'uid'>) => string,
    private readonly idMark = IdMark.beside(db.name),
  ) {
    this.sql = new Statements(db);
    this.events = new EventLog(this.sql);
    this.groups = new JobGroups(this.sql, this.events);
    this.history = new JobHistory(this.sql);
    this.lineage = new JobLineage(this.sql, this.events, (id, fields) => this.write(id, fields));
    this.envs = new JobEnvs(this.sql);
  }

  private stmt(sql: string): Database.Statement {
    return this.sql.get(sql);
  }

  private all(sql: string, ...args: SqlValue[]): JobRecord[] {
    return this.sql.jobs(sql, ...args);
  }

  /**
   * Runs `fn` with every commit synced to disk before it returns: for what the API
   * acknowledges (a submission, a cancel; the highest id given out also to src/store/id-mark.ts).
   * The scheduler's own bookkeeping (starts, ends, pids) commits without waiting for the disk;
   * the WAL is written in order, so the next synced commit makes it durable too.
   */
  async durable<T>(fn: () => T | Promise<T>): Promise<T> {
    this.db.pragma('synchronous = FULL');
    try {
      const done = await fn();
      this.idMark?.keep(this.nextId() - 1);
      return done;
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }

  /**
   * Runs `fn` with its commits not waiting for the disk, also inside `durable`: for the many
   * small transactions of one long request (a clean deletes 400 records a step), whose last
   * synced commit (the request's own answer) makes them durable together.
   */
  unsynced<T>(fn: () => T): T {
    // Inside a transaction the level cannot change (and that transaction's commit decides).
    if (this.db.inTransaction) return fn();
    const was = this.db.pragma('synchronous', { simple: true }) as number;
    if (was <= 1) return fn();
    this.db.pragma('synchronous = NORMAL');
    try {
      return fn();
    } finally {
      this.db.pragma(`synchronous = ${was}`);
    }
  }

  /** Changes when another connection (the other daemon of a reload) commits. */
  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  /** Runs `fn` in one immediate transaction (or in the one already open). */
  atomically<T>(fn: () => T): T {
    return this.sql.atomically(fn);
  }

  toJob(job: JobRecord): Job {
    return toWireJob(job, this.logPathOf(job));
  }

  insert(job: NewJob, now: number): JobRecord {
    const { hold, ...spec } = job;
    const values: Omit<JobRecord, 'id' | keyof typeof NOT_RUN_YET> = { ...spec, state: hold ? 'hold' : 'queued', reason: hold ? 'held by user' : null, submittedAt: now };
    const keys = Object.keys(values) as (keyof typeof values)[];
    return this.atomically(() => {
      const info = this.stmt(insertSql(keys)).run(...this.envs.encode(keys, values));
      // What was written, without reading it back (an array of thousands is one transaction).
      const row: JobRecord = { ...values, ...NOT_RUN_YET, attempts: [], id: Number(info.lastInsertRowid) };
      this.events.appendJob('job.submitted', row, now);
      return row;
    });
  }

  /** The id the next job will get (ids are never reused). */
  nextId(): number {
    return (this.stmt("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'jobs'), 0) + 1 AS n").get() as { n: number }).n;
  }

  get(id: number): JobRecord | undefined {
    return this.all(`SELECT ${ALL} FROM jobs WHERE id = ?`, id)[0];
  }

  require(id: number): JobRecord {
    const job = this.get(id);
    if (!job) throw new GflowError('not_found', `job ${id} does not exist`, 'see `gflow queue -a` for the jobs gflow knows');
    return job;
  }

  list(q: ListQuery): JobRecord[] {
    const { sql, args, newestFirst } = listSql(q);
    const jobs = this.all(sql, ...args);
    // The newest N, still in ascending order.
    return newestFirst ? jobs.reverse() : jobs;
  }

  /**
   * The jobs of the user's `back`-th most recent submission (1 = the latest): an array or
   * sweep is one submission, in id order.
   */
  latestSubmission(user: string, back: number): JobRecord[] {
    const key = 'coalesce(group_id, id)';
    const row = this.stmt(`SELECT ${key} AS k FROM jobs WHERE user = ? GROUP BY ${key} ORDER BY max(id) DESC LIMIT 1 OFFSET ?`).get(user, back - 1) as { k: string | number } | undefined;
    if (!row) return [];
    return typeof row.k === 'string' ? this.all(`SELECT ${ALL} FROM jobs WHERE group_id = ? ORDER BY id`, row.k) : [this.require(row.k)];
  }

  byState(state: JobState): JobRecord[] {
    return this.all(`SELECT ${ALL} FROM jobs WHERE state = ? ORDER BY id`, state);
  }

  /** Queued jobs (all, of these ids, or with ids in `from < id <= to`), with just what planning needs. */
  planningView(ids?: readonly number[], range?: { from: number; to: number }): PlanJob[] {
    // By rowid (`+state` keeps the state index out): a window of ids costs its own rows only.
    if (range) return this.sql.decoded(PLAN_KEYS, `SELECT ${PLAN} FROM jobs WHERE id > ? AND id <= ? AND +state = 'queued' ORDER BY id`, range.from, range.to);
    if (ids) return inChunks(ids, (chunk, marks) => this.sql.decoded(PLAN_KEYS, `SELECT ${PLAN} FROM jobs WHERE state = 'queued' AND id IN (${marks})`, ...chunk));
    // Row by row: the whole queue (100,000s) is never held twice, raw and decoded.
    return [...this.sql.eachDecoded(PLAN_KEYS, `SELECT ${PLAN} FROM jobs WHERE state = 'queued' ORDER BY id`)];
  }

  /** Jobs in a state without their environment and command (`stopRequested`: only those asked to stop). */
  slimByState(state: JobState, o: { stopRequested?: boolean } = {}): SlimJob[] {
    const only = o.stopRequested ? ' AND stop_request IS NOT NULL' : '';
    return this.sql.decoded(SLIM_KEYS, `SELECT ${SLIM} FROM jobs WHERE state = ?${only} ORDER BY id`, state);
  }

  /** `only`: these states (an index range instead of the whole index: ended jobs may be millions). */
  countsByState(only?: readonly JobState[]): Map<JobState, number> {
    const where = only ? `WHERE state IN (${only.map(() => '?').join(',')})` : '';
    const rows = this.stmt(`SELECT state, count(*) AS n FROM jobs ${where} GROUP BY state`).all(...(only ?? [])) as { state: JobState; n: number }[];
    return new Map(rows.map((r) => [r.state, r.n]));
  }

  /** Ended jobs whose tmux session was not closed yet. */
  endedWithSession(): JobRecord[] {
    return this.all(`SELECT ${ALL} FROM jobs WHERE state NOT IN ('queued','hold','running') AND session IS NOT NULL AND session_closed = 0 ORDER BY id`);
  }

  /** The job whose processes carry this token. */
  idByToken(token: string): number | undefined {
    return (this.stmt('SELECT id FROM jobs WHERE token = ?').get(token) as { id: number } | undefined)?.id;
  }

  /** Jobs by id, for dependency checks. */
  statesOf(ids: readonly number[]): Map<number, JobState> {
    const rows = inChunks(ids, (chunk, marks) => this.stmt(`SELECT id, state FROM jobs WHERE id IN (${marks})`).all(...chunk) as { id: number; state: JobState }[]);
    return new Map(rows.map((r) => [r.id, r.state]));
  }

  /** Active jobs (queued, held, running) with one of these names: for singleton jobs. */
  activeNamed(names: readonly string[]): NamedJob[] {
    if (names.length === 0) return [];
    return this.stmt(`SELECT id, user, name, state FROM jobs WHERE state IN ('queued','hold','running') AND name IN (${names.map(() => '?').join(',')})`).all(...names) as NamedJob[];
  }

  /** Writes fields that are not the state (the state moves only through `transition`). */
  private write(id: number, fields: Partial<Omit<JobRecord, 'state' | 'id'>>): number {
    const keys = Object.keys(fields).filter((k) => fields[k as keyof typeof fields] !== undefined) as (keyof typeof fields)[];
    if (keys.length === 0) return 0;
    const sets = keys.map((k) => `${JOB_COLUMNS[k][0]} = ?`).join(', ');
    return this.stmt(`UPDATE jobs SET ${sets} WHERE id = ?`).run(...this.envs.encode(keys, fields), id).changes;
  }

  /** Changes fields of a queued or held job (`gflow update`). */
  update(id: number, patch: JobPatch): JobRecord {
    return this.atomically(() => {
      const job = this.require(id);
      if (job.state !== 'queued' && job.state !== 'hold') {
        throw new GflowError('conflict', `cannot update job ${id}: it is ${job.state}`, 'only queued or held jobs can be updated');
      }
      this.write(id, patch);
      const updated = this.require(id);
      this.events.appendJob('job.updated', updated, Date.now(), Object.keys(patch).filter((k) => patch[k as keyof JobPatch] !== undefined));
      return updated;
    });
  }

  /** Changes a job's state if src/core allows the move; returns the updated job. */
  transition(id: number, to: JobState, patch: TransitionPatch = {}): JobRecord {
    return this.atomically(() => {
      const job = this.require(id);
      assertTransition(id, job.state, to);
      this.stmt('UPDATE jobs SET state = ? WHERE id = ?').run(to, id);
      this.write(id, patch);
      // Not read back: a whole row costs more than the rest of the move.
      const moved = patched(job, { ...patch, state: to });
      this.events.appendJob(eventOfMove(job.state, to), moved, Date.now());
      return moved;
    });
  }

  /**
   * Puts a failed or timed-out job back in the queue under its id (src/core/requeue.ts): its
   * run is kept in `attempts`, and what the run set is cleared. Only this method makes the move,
   * and src/core decides whether it may, inside the same transaction.
   */
  requeue(id: number, log: string | null, countsAsRetry: boolean, env?: Record<string, string>): JobRecord {
    return this.atomically(() => {
      const job = this.require(id);
      assertRequeue(id, job.state);
      this.stmt("UPDATE jobs SET state = 'queued' WHERE id = ?").run(id);
      this.write(id, { attempts: [...job.attempts, attemptOf(job, log)], attempt: countsAsRetry ? job.attempt + 1 : job.attempt, reason: null, ...(env ? { env } : {}) });
      const cleared = ['startedAt', 'finishedAt', 'exitCode', 'signal', 'endedBy', 'session', 'pid', 'pidStart', 'bootId', 'slurmId', 'node', 'stopRequest', 'stopRequestedAt', 'gpuIds', 'cancelledBy'] as const;
      this.stmt(`UPDATE jobs SET ${cleared.map((k) => `${JOB_COLUMNS[k][0]} = NULL`).join(', ')}, escalated = 0, session_closed = 0 WHERE id = ?`).run(id);
      const back = this.require(id);
      this.events.appendJob('job.requeued', back, Date.now());
      return back;
    });
  }

  /** An ended job keeps no copy of its submitter's environment (what `show` needs stays). */
  dropEnvironment(id: number): void {
    this.stmt("UPDATE jobs SET env = '{}' WHERE id = ? AND state NOT IN ('queued','hold','running')").run(id);
  }

  /** Where a started job runs (src/executor/executor.ts Placement); fields not given stay. */
  setPlacement(id: number, p: { pid: number | null; pidStart?: string | null; bootId?: string | null; slurmId?: number | null; node?: string | null; startedAt?: number }): void {
    this.write(id, { pid: p.pid, pidStart: p.pidStart ?? null, ...(p.bootId !== undefined && { bootId: p.bootId }), ...(p.slurmId !== undefined && { slurmId: p.slurmId }), ...(p.node !== undefined && { node: p.node }), ...(p.startedAt !== undefined && { startedAt: p.startedAt }) });
  }

  setScript(id: number, file: string): void {
    this.write(id, { script: file });
  }

  /** Records that a running job is being stopped, so a restarted daemon finishes the job. */
  requestStop(id: number, kind: StopRequest, now: number): void {
    this.stmt("UPDATE jobs SET stop_request = coalesce(stop_request, ?), stop_requested_at = coalesce(stop_requested_at, ?), reason = ? WHERE id = ? AND state = 'running'")
      .run(kind, now, kind === 'cancel' ? 'cancelling' : 'time limit reached', id);
  }

  /** A stop that went on to SIGKILL, or a session closed: written once. */
  mark(id: number, what: 'escalated' | 'sessionClosed'): void {
    this.write(id, { [what]: true });
  }

  /** Stores why queued jobs wait, only where it changed (keeps the pass cheap). */
  setWaitReasons(reasons: Map<number, string | null>): void {
    const stmt = this.stmt("UPDATE jobs SET reason = ? WHERE id = ? AND state = 'queued' AND reason IS NOT ?");
    this.db.transaction(() => {
      for (const [id, reason] of reasons) stmt.run(reason, id, reason);
    })();
  }
}

