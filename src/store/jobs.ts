// The job table. Every state change goes through `transition`, which asks src/core
// whether the move is legal inside the same transaction that makes it.
import { assertTransition } from '../core/transitions.js';
import { GflowError } from '../protocol/errors.js';
import type { EndedBy, Job, JobState, ListQuery } from '../protocol/job.js';
import type { Db } from './db.js';

export interface NewJob {
  name: string | null;
  user: string;
  command: string[] | null;
  script: string | null;
  cwd: string;
  env: Record<string, string>;
  priority: number;
  cpus: number;
  timeLimitSec: number | null;
  hold: boolean;
  token: string;
}

export interface JobRow {
  id: number;
  name: string | null;
  user: string;
  command: string | null;
  script: string | null;
  cwd: string;
  env: string;
  priority: number;
  cpus: number;
  time_limit_sec: number | null;
  state: JobState;
  reason: string | null;
  submitted_at: number;
  started_at: number | null;
  finished_at: number | null;
  exit_code: number | null;
  signal: string | null;
  ended_by: EndedBy | null;
  session: string | null;
  pid: number | null;
  token: string;
  stop_request: 'cancel' | 'timeout' | null;
  stop_requested_at: number | null;
  escalated: number;
  session_closed: number;
}

/** Fields a transition may set along with the new state. */
export interface TransitionPatch {
  reason?: string | null;
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number | null;
  signal?: string | null;
  endedBy?: EndedBy | null;
  session?: string | null;
}

const PATCH_COLUMNS: Record<keyof TransitionPatch, string> = {
  reason: 'reason',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  exitCode: 'exit_code',
  signal: 'signal',
  endedBy: 'ended_by',
  session: 'session',
};

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export class JobStore {
  constructor(
    readonly db: Db,
    private readonly logPathOf: (id: number) => string,
  ) {}

  toJob(row: JobRow): Job {
    return {
      id: row.id,
      name: row.name,
      state: row.state,
      command: row.command === null ? null : (JSON.parse(row.command) as string[]),
      script: row.script,
      cwd: row.cwd,
      user: row.user,
      priority: row.priority,
      cpus: row.cpus,
      timeLimitSec: row.time_limit_sec,
      reason: row.reason,
      submittedAt: iso(row.submitted_at)!,
      startedAt: iso(row.started_at),
      finishedAt: iso(row.finished_at),
      exitCode: row.exit_code,
      signal: row.signal,
      endedBy: row.ended_by,
      session: row.session,
      pid: row.pid,
      logPath: this.logPathOf(row.id),
    };
  }

  insert(job: NewJob, now: number): JobRow {
    const info = this.db
      .prepare(
        `INSERT INTO jobs (name, user, command, script, cwd, env, priority, cpus, time_limit_sec, state, reason, submitted_at, token)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        job.name,
        job.user,
        job.command === null ? null : JSON.stringify(job.command),
        job.script,
        job.cwd,
        JSON.stringify(job.env),
        job.priority,
        job.cpus,
        job.timeLimitSec,
        job.hold ? 'hold' : 'queued',
        job.hold ? 'held by user' : null,
        now,
        job.token,
      );
    return this.require(Number(info.lastInsertRowid));
  }

  get(id: number): JobRow | undefined {
    return this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
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
        this.db.prepare(`SELECT * FROM jobs ${clause} ORDER BY id DESC LIMIT ?`).all(...args, q.limit) as JobRow[]
      ).reverse();
    }
    return this.db.prepare(`SELECT * FROM jobs ${clause} ORDER BY id`).all(...args) as JobRow[];
  }

  /** The user's `back`-th most recent job (1 = the latest). */
  latestOf(user: string, back: number): JobRow | undefined {
    return this.db
      .prepare('SELECT * FROM jobs WHERE user = ? ORDER BY id DESC LIMIT 1 OFFSET ?')
      .get(user, back - 1) as JobRow | undefined;
  }

  byState(state: JobState): JobRow[] {
    return this.db.prepare('SELECT * FROM jobs WHERE state = ? ORDER BY id').all(state) as JobRow[];
  }

  usedCpus(): number {
    const row = this.db.prepare("SELECT coalesce(sum(cpus), 0) AS n FROM jobs WHERE state = 'running'").get() as { n: number };
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
        this.db.prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE id = ?`).run(...args, id);
        return this.require(id);
      })
      .immediate();
  }

  setPid(id: number, pid: number): void {
    this.db.prepare('UPDATE jobs SET pid = ? WHERE id = ?').run(pid, id);
  }

  /** Records that a running job is being stopped, so a restarted daemon finishes the job. */
  requestStop(id: number, kind: 'cancel' | 'timeout', now: number): JobRow {
    this.db
      .prepare("UPDATE jobs SET stop_request = coalesce(stop_request, ?), stop_requested_at = coalesce(stop_requested_at, ?), reason = ? WHERE id = ? AND state = 'running'")
      .run(kind, now, kind === 'cancel' ? 'cancelling' : 'time limit reached', id);
    return this.require(id);
  }

  markEscalated(id: number): void {
    this.db.prepare('UPDATE jobs SET escalated = 1 WHERE id = ?').run(id);
  }

  /** Stores why queued jobs wait, only where it changed (keeps the pass cheap). */
  setWaitReasons(reasons: Map<number, string | null>): void {
    const stmt = this.db.prepare("UPDATE jobs SET reason = ? WHERE id = ? AND state = 'queued' AND reason IS NOT ?");
    this.db.transaction(() => {
      for (const [id, reason] of reasons) stmt.run(reason, id, reason);
    })();
  }

  markSessionClosed(id: number): void {
    this.db.prepare('UPDATE jobs SET session_closed = 1 WHERE id = ?').run(id);
  }
}
