// The scheduler: starts queued jobs when there is room, learns of jobs' ends from their
// status files, enforces time limits and stops jobs on request.
//
// Event-driven: a submission, a release, a cancel or a job's end calls `requestPass()`, which
// runs one pass on the next turn of the event loop (requests in the same turn share a pass).
// A slow safety tick catches anything an event missed. The database is the only state; the
// maps below hold timers and in-flight work, never facts about jobs.
//
// Leadership: during a reload two daemons share the database. Only the holder of the lease
// (src/store/lease.ts) starts, ends, times out and stops jobs; the other serves the API and
// takes the lease as soon as it is released. Every daemon watches the database's WAL file,
// so a change made through either daemon (a submission, a cancel, a released lease) wakes
// the leader — or the waiting daemon — at once.
import fs from 'node:fs';
import path from 'node:path';
import { planStarts } from '../core/plan.js';
import { jobLogPath, type Paths } from '../config/paths.js';
import { launchJob } from '../executor/launch.js';
import { whenLogComplete } from '../executor/log-complete.js';
import { isAlive } from '../executor/proc.js';
import { jobSessionName } from '../executor/session-name.js';
import { readStatus, type ExitStatus } from '../executor/status-file.js';
import { terminateJob } from '../executor/terminate.js';
import type { JobState } from '../protocol/job.js';
import type { JobRow, JobStore, PlanRow, SlimRow } from '../store/jobs.js';
import { Lease } from '../store/lease.js';
import { hasSession, listPanes, tmuxServerRunning } from '../tmux/tmux.js';
import { applyDependencies } from './dependencies.js';
import type { Gpus } from './gpus.js';
import type { Logger } from './logger.js';
import { retryIfWanted } from './retry.js';

export interface SchedulerOptions {
  store: JobStore;
  paths: Paths;
  log: Logger;
  wrapper: string;
  gpus: Gpus;
  cpus: number;
  killGraceMs: number;
  safetyTickMs?: number;
}

export class Scheduler {
  private passQueued = false;
  private passRunning: Promise<void> | null = null;
  private closed = false;
  private watcher: fs.FSWatcher | null = null;
  private tick: NodeJS.Timeout | null = null;
  private readonly deadlines = new Map<number, NodeJS.Timeout>();
  private readonly stopping = new Map<number, Promise<void>>();
  private readonly launching = new Map<number, Promise<void>>();
  private readonly lease: Lease;
  private leader = false;
  private followerPoll: NodeJS.Timeout | null = null;
  private dbWatcher: fs.FSWatcher | null = null;
  private beginTimer: NodeJS.Timeout | null = null;
  private dataVersion = -1;
  private readonly finishing = new Map<number, Promise<void>>();

  constructor(private readonly o: SchedulerOptions) {
    this.lease = new Lease(o.store.db);
  }

  get isLeader(): boolean {
    return this.leader;
  }

  private get store(): JobStore {
    return this.o.store;
  }

  async start(): Promise<void> {
    for (const dir of [this.o.paths.statusDir, this.o.paths.logsDir, this.o.paths.jobsDir]) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.watcher = fs.watch(this.o.paths.statusDir, (_event, file) => {
      if (file && /^\d+$/.test(file)) this.onStatusFile(Number(file));
    });
    this.watcher.on('error', (err) => this.o.log.warn(`status watcher: ${err.message}`));
    const walName = `${path.basename(this.o.paths.db)}-wal`;
    this.dbWatcher = fs.watch(path.dirname(this.o.paths.db), (_event, file) => {
      if (file === walName) this.onDatabaseChange();
    });
    this.dbWatcher.on('error', (err) => this.o.log.warn(`database watcher: ${err.message}`));
    this.tick = setInterval(() => void this.safetyCheck(), this.o.safetyTickMs ?? 5000);
    await this.tryLead();
  }

  // The WAL changes with every commit; SQLite's data_version tells whether another
  // connection (the other daemon during a reload) made the change.
  private onDatabaseChange(): void {
    const version = this.store.db.pragma('data_version', { simple: true }) as number;
    if (version === this.dataVersion) return;
    this.dataVersion = version;
    if (this.leader) this.requestPass();
    else void this.tryLead();
  }

  private async tryLead(): Promise<void> {
    if (this.leader || this.closed) return;
    if (!this.lease.tryAcquire()) {
      if (!this.followerPoll) {
        const holder = this.lease.holder();
        this.o.log.info(`waiting to schedule: pid ${holder?.pid} holds the scheduling lease`);
        // Safety net for a leader that dies without releasing (the WAL watch covers a release).
        this.followerPoll = setInterval(() => void this.tryLead(), 500);
      }
      return;
    }
    if (this.followerPoll) clearInterval(this.followerPoll);
    this.followerPoll = null;
    this.leader = true;
    this.o.log.event('holding the scheduling lease');
    await this.reconcile();
    this.requestPass();
  }

  requestPass(): void {
    if (this.closed || this.passQueued) return;
    this.passQueued = true;
    setImmediate(() => {
      this.passQueued = false;
      if (this.passRunning) {
        // Run again after the current pass, which may have missed this event.
        void this.passRunning.then(() => this.requestPass());
        return;
      }
      this.passRunning = this.pass()
        .catch((err: Error) => this.o.log.error(`scheduling pass failed: ${err.message}`))
        .finally(() => {
          this.passRunning = null;
        });
    });
  }

  private async pass(): Promise<void> {
    if (this.closed || !this.leader) return;
    // Stop requests may come through the other daemon during a reload.
    for (const row of this.store.slimByState('running')) if (row.stop_request && !this.stopping.has(row.id)) void this.terminate(row);
    const queued = this.store.planningView();
    if (queued.length === 0) return;
    const now = Date.now();
    const deps = applyDependencies(this.store, queued, this.o.log, now);
    // The inventory is refreshed right before GPUs are handed out.
    if (deps.ready.some((r) => r.gpus > 0)) await this.o.gpus.refresh();
    if (this.closed || !this.leader) return;
    const running = this.store.slimByState('running');
    const groupRunning = new Map<string, number>();
    for (const r of running) if (r.group_id) groupRunning.set(r.group_id, (groupRunning.get(r.group_id) ?? 0) + 1);
    const plan = planStarts(
      deps.ready.map((r) => ({ id: r.id, priority: r.priority, cpus: r.cpus, gpus: r.gpus, shared: r.gpu_shared === 1, gpuMemoryMb: r.gpu_memory_mb, groupId: r.group_id, maxConcurrent: r.max_concurrent, beginAt: r.begin_at })),
      {
        freeCpus: this.o.cpus - running.reduce((n, r) => n + r.cpus, 0),
        totalCpus: this.o.cpus,
        gpus: this.o.gpus.slots(running),
        groupRunning,
        strategy: this.o.gpus.strategy,
        now,
      },
    );
    // Store why jobs wait, where that changed.
    const reasons = new Map<number, string>([...deps.waiting, ...plan.waiting]);
    const starting = new Set(plan.start.map((s) => s.id));
    const changed = new Map<number, string | null>();
    for (const q of queued) {
      const reason = reasons.get(q.id) ?? null;
      if (!starting.has(q.id) && reason !== q.reason) changed.set(q.id, reason);
    }
    if (changed.size) this.store.setWaitReasons(changed);
    this.armBeginTimer(deps.ready, now);
    // Each start is recorded synchronously; the tmux sessions are created in the background,
    // so the next pass (a job's end, a submission) need not wait for them.
    for (const s of plan.start) void this.startJob(s.id, s.gpuIds);
  }

  // Wakes the scheduler when the earliest --begin time comes.
  private armBeginTimer(rows: PlanRow[], now: number): void {
    const next = rows.reduce((min, r) => (r.begin_at !== null && r.begin_at > now && r.begin_at < min ? r.begin_at : min), Infinity);
    if (this.beginTimer) clearTimeout(this.beginTimer);
    this.beginTimer = Number.isFinite(next) ? setTimeout(() => this.requestPass(), Math.min(next - now, 2 ** 31 - 1)) : null;
  }

  private startJob(id: number, gpuIds: number[]): Promise<void> {
    const row = this.store.require(id);
    const session = jobSessionName(row.id, row.name);
    // Recorded as running before tmux is asked: if the daemon dies in between, the restart
    // finds no session and marks the job lost — a job is started at most once.
    let started: JobRow;
    try {
      started = this.store.transition(row.id, 'running', { startedAt: Date.now(), session, reason: null, gpuIds: gpuIds.length ? JSON.stringify(gpuIds) : null });
    } catch {
      return Promise.resolve(); // cancelled or held while the pass was waiting for nvidia-smi
    }
    const env: Record<string, string> = JSON.parse(started.env) as Record<string, string>;
    if (gpuIds.length) env.CUDA_VISIBLE_DEVICES = env.GFLOW_GPUS = gpuIds.join(',');
    if (started.array_task_id !== null) env.GFLOW_ARRAY_TASK_ID = String(started.array_task_id);
    if (started.params) for (const [k, v] of Object.entries(JSON.parse(started.params) as Record<string, string>)) env[`GFLOW_PARAM_${k}`] = v;
    const work = (async () => {
      try {
        const pid = await launchJob(
          { ...started, session, env, command: started.command === null ? null : (JSON.parse(started.command) as string[]) },
          { jobsDir: this.o.paths.jobsDir, statusDir: this.o.paths.statusDir, logFile: jobLogPath(this.o.paths, row.id), wrapper: this.o.wrapper },
        );
        this.store.setPid(row.id, pid);
        this.o.log.event(`job ${row.id} started in tmux session ${session} (pid ${pid}${gpuIds.length ? `, GPUs ${gpuIds.join(',')}` : ''})`);
        this.armDeadline(this.store.require(row.id));
      } catch (err) {
        this.o.log.error(`job ${row.id} could not start: ${(err as Error).message}`);
        this.end(row.id, 'failed', { reason: `start failed: ${(err as Error).message}`, exitCode: null, signal: null, endedBy: null });
      }
    })();
    this.launching.set(row.id, work);
    return work.finally(() => this.launching.delete(row.id));
  }

  // --- ends -------------------------------------------------------------------------

  private onStatusFile(id: number): void {
    if (!this.leader || this.closed) return;
    const row = this.store.get(id);
    if (!row || row.state !== 'running') return;
    const status = readStatus(this.o.paths.statusDir, id);
    if (status) void this.finish(row, status);
  }

  /** Records the end of a running job from its exit status (or its loss), once its log is complete. */
  private finish(row: SlimRow, status: ExitStatus | null): Promise<void> {
    const busy = this.finishing.get(row.id);
    if (busy) return busy;
    const work = (async () => {
      if (status) await whenLogComplete(jobLogPath(this.o.paths, row.id));
      // A job that died of a hang-up, or vanished, with no tmux server left: the server went.
      const serverLost = (status === null || status.signal === 'SIGHUP') && !row.stop_request && !(await tmuxServerRunning());
      this.finishing.delete(row.id);
      const now = this.store.get(row.id);
      if (now?.state === 'running' && this.leader) this.record(now, status, serverLost);
    })();
    this.finishing.set(row.id, work);
    return work;
  }

  private record(row: SlimRow, status: ExitStatus | null, serverLost = false): void {
    const endedBy = row.stop_request ? (row.escalated ? 'hard' : 'soft') : 'natural';
    let state: JobState;
    let reason: string | null;
    if (row.stop_request === 'cancel') {
      state = 'cancelled';
      reason = 'cancelled by user';
    } else if (row.stop_request === 'timeout') {
      state = 'timeout';
      reason = 'time limit reached';
    } else if (serverLost) {
      state = 'failed';
      reason = 'tmux server lost';
    } else if (status === null) {
      state = 'failed';
      reason = 'lost';
    } else if (status.exitCode === 0) {
      state = 'finished';
      reason = null;
    } else {
      state = 'failed';
      reason = status.signal ? `killed by ${status.signal}` : `exit code ${status.exitCode}`;
    }
    this.end(row.id, state, {
      reason,
      exitCode: status?.exitCode ?? null,
      signal: status?.signal ?? (status === null && row.escalated ? 'SIGKILL' : null),
      endedBy: status === null && !row.stop_request ? null : endedBy,
    });
  }

  private end(id: number, state: JobState, patch: { reason: string | null; exitCode: number | null; signal: string | null; endedBy: JobRow['ended_by'] }): void {
    const current = this.store.get(id);
    if (!current || current.state !== 'running') return;
    this.clearDeadline(id);
    const now = Date.now();
    const row = this.store.db.transaction(() => {
      const ended = this.store.transition(id, state, { ...patch, finishedAt: now });
      retryIfWanted(this.store, ended, this.o.log, now);
      return ended;
    })();
    const how = row.exit_code !== null ? `exit ${row.exit_code}${row.signal ? ` (${row.signal})` : ''}` : row.reason ?? '';
    this.o.log.event(`job ${id} ${state}: ${how}`);
    this.requestPass();
  }

  // --- adoption and the safety net ------------------------------------------------

  /** Reconciles every job recorded as running with what is really there. */
  private async reconcile(): Promise<void> {
    // In parallel, and awaited: the daemon answers only once every job has its true state.
    await Promise.all(
      this.store.byState('running').map(async (row) => {
        const verdict = await this.check(row);
        if (verdict === 'alive') {
          this.o.log.info(`adopted running job ${row.id} (session ${row.session}, pid ${row.pid})`);
          this.armDeadline(row);
        }
      }),
    );
  }

  private async safetyCheck(): Promise<void> {
    if (!this.leader) return this.tryLead();
    for (const row of this.store.byState('running')) {
      if (this.stopping.has(row.id)) continue;
      await this.check(row);
    }
    this.requestPass();
  }

  // The status file is the truth; otherwise a live wrapper means the job still runs.
  private async check(row: JobRow): Promise<'ended' | 'alive' | 'launching'> {
    const status = readStatus(this.o.paths.statusDir, row.id);
    if (status) {
      await this.finish(row, status);
      return 'ended';
    }
    let pid = row.pid;
    if (pid === null && row.session) {
      // The previous daemon died between creating the session and recording its pid.
      const pane = (await listPanes(row.session))[0];
      if (pane && !pane.dead) {
        pid = pane.pid;
        this.store.setPid(row.id, pid);
      }
    }
    if (this.launching.has(row.id)) return 'launching';
    if (pid !== null && isAlive(pid) && (!row.session || (await hasSession(row.session)))) return 'alive';
    // The wrapper may have written its status just now.
    const late = readStatus(this.o.paths.statusDir, row.id);
    await this.finish(this.store.require(row.id), late ?? null);
    return 'ended';
  }

  // --- stopping: cancel and time limits ---------------------------------------------

  /** Asks for a running job to be stopped; the leader's next pass does it. */
  stop(id: number, kind: 'cancel' | 'timeout'): void {
    this.store.requestStop(id, kind, Date.now());
    this.requestPass();
  }

  // SIGTERM, then SIGKILL after the grace period; the exit status then ends the job.
  private terminate(row: SlimRow): Promise<void> {
    const id = row.id;
    this.o.log.event(`job ${id}: ${row.stop_request === 'timeout' ? 'time limit reached' : 'cancelling'}, sending SIGTERM`);
    const work = terminateJob(
      { pid: row.pid, token: row.token },
      {
        graceMs: this.o.killGraceMs,
        onEscalate: () => {
          this.store.markEscalated(id);
          this.o.log.warn(`job ${id} still running after ${this.o.killGraceMs / 1000}s grace, sending SIGKILL`);
        },
      },
    )
      .then(() => {
        const after = this.store.get(id);
        if (this.leader && after?.state === 'running') return this.finish(after, readStatus(this.o.paths.statusDir, id) ?? null);
      })
      .catch((err: Error) => this.o.log.error(`stopping job ${id}: ${err.message}`))
      .finally(() => this.stopping.delete(id));
    this.stopping.set(id, work);
    return work;
  }

  private armDeadline(row: JobRow): void {
    if (row.time_limit_sec === null || row.started_at === null || this.deadlines.has(row.id)) return;
    const due = row.started_at + row.time_limit_sec * 1000 - Date.now();
    // setTimeout holds at most ~24.8 days; longer limits re-arm on the way.
    const delay = Math.min(Math.max(0, due), 2 ** 31 - 1);
    const timer = setTimeout(() => {
      this.deadlines.delete(row.id);
      const now = this.store.get(row.id);
      if (!now || now.state !== 'running') return;
      if (delay < due) this.armDeadline(now);
      else this.stop(row.id, 'timeout');
    }, delay);
    this.deadlines.set(row.id, timer);
  }

  private clearDeadline(id: number): void {
    const t = this.deadlines.get(id);
    if (t) clearTimeout(t);
    this.deadlines.delete(id);
  }

  /**
   * Stops scheduling and hands the lease over: finishes the current pass and the sessions
   * being created, then releases the lease. Running jobs are left alone (they live in tmux)
   * and stops in progress are resumed by the next leader.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.close();
    this.dbWatcher?.close();
    if (this.tick) clearInterval(this.tick);
    if (this.followerPoll) clearInterval(this.followerPoll);
    if (this.beginTimer) clearTimeout(this.beginTimer);
    this.o.gpus.stop();
    for (const t of this.deadlines.values()) clearTimeout(t);
    this.deadlines.clear();
    await this.passRunning;
    await Promise.allSettled([...this.launching.values()]);
    if (this.leader) {
      this.lease.release();
      this.o.log.event('released the scheduling lease');
    }
    this.leader = false;
  }
}
