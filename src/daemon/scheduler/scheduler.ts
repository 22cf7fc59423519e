// The scheduler: starts queued jobs when there is room, learns of jobs' ends, enforces time
// limits and stops jobs on request — through the executor (src/executor/executor.ts) only.
//
// Event-driven: a submission, a release, a cancel or a job's end calls `requestPass()`, which
// runs one pass on the next turn of the event loop (requests in the same turn share a pass).
// A pass runs its phases in a fixed order: reap (record ends the executor told of), stop
// (carry out stop requests), plan (dependencies, then who fits), start. Plan and start are
// skipped when nothing since the last plan could change it: the executor's notice that a job
// may have ended, or a launch being done, asks for a reap only (an end, once recorded, asks
// for a whole pass). That is two passes of three per job that no longer plan. A slow safety tick
// catches anything an event missed. The database is the only state; the parts below hold
// timers and work in flight, never facts about jobs.
import type { Executor } from '../../executor/executor.js';
import type { JobStore } from '../../store/jobs.js';
import { Lease } from '../../store/lease.js';
import type { Logger } from '../logger.js';
import { systemClock, type Clock } from './clock.js';
import { Launcher } from './launcher.js';
import { Leadership } from './leadership.js';
import { capacity, dependencyVerdicts, nextBegin, policyView, type GpuView } from './planning.js';
import { planStarts } from '../../core/plan.js';
import { WaitReasons } from './wait-reasons.js';
import { Reaper } from './reaper.js';
import { mergeById, QueueView } from './queue-view.js';
import { Stopper } from './stopper.js';
import { Timers } from './timers.js';
import { policyStores } from '../../store/policy.js';
import { policySettings, type PolicySettings } from '../policy-settings.js';
import { doomReason } from '../../core/deps.js';
import type { DepKind } from '../../protocol/job.js';

export interface SchedulerOptions {
  store: JobStore;
  executor: Executor;
  gpus: GpuView;
  log: Logger;
  cpus: number;
  killGraceMs: number;
  /** the database file (its WAL is watched for the other daemon's changes) */
  dbFile: string;
  clock?: Clock;
  safetyTickMs?: number;
  followerPollMs?: number;
  /** projects and fair share (default: read from the settings) */
  policy?: PolicySettings;
  /** told when this daemon takes the scheduling lease, before it adopts running jobs */
  onLead?: () => void;
  /** told when another connection (the other daemon of a reload) committed a change */
  onForeignChange?: () => void;
  /** why no job may start now (the free-space guard, src/daemon/storage-guard.ts); undefined: they may */
  startsRefused?: () => unknown;
}

export class Scheduler {
  private passQueued = false;
  /** something asked for a plan since the last one began */
  private planWanted = false;
  private passRunning: Promise<void> | null = null;
  private closed = false;
  private tick: NodeJS.Timeout | null = null;
  /** jobs the executor says may have ended, reaped by the next pass */
  private readonly maybeEnded = new Set<number>();
  private readonly clock: Clock;
  private readonly leadership: Leadership;
  private readonly timers: Timers;
  private readonly reaper: Reaper;
  private readonly launcher: Launcher;
  private readonly stopper: Stopper;
  private readonly queue: QueueView;
  private readonly reasons: WaitReasons;
  private readonly policy: PolicySettings;

  constructor(private readonly o: SchedulerOptions) {
    const { store, executor, log } = o;
    const policy = (this.policy = o.policy ?? policySettings());
    const clock = (this.clock = o.clock ?? systemClock);
    const leads = (): boolean => this.leadership.confirm();
    this.leadership = new Leadership({
      lease: new Lease(store.db),
      dbFile: o.dbFile,
      dataVersion: () => store.dataVersion(),
      log,
      clock,
      onLead: () => {
        o.onLead?.();
        return this.adopt();
      },
      onChange: () => this.requestPass(),
      onForeignChange: o.onForeignChange,
      followerPollMs: o.followerPollMs,
    });
    this.timers = new Timers(clock, (id) => this.stop(id, 'timeout'), () => this.requestPass(), (id, sig) => void this.warn(id, sig));
    const usage = policyStores(store.db).usage;
    this.reaper = new Reaper({ store, executor, log, clock, leads, account: (ended) => usage.record(ended, policy.fairShare.halfLifeHours), launching: (id) => this.launcher.has(id), onEnded: (id) => this.onEnded(id), onPlaced: (id) => this.timers.armDeadline(store.require(id)) });
    this.launcher = new Launcher({ store, executor, log, clock, timers: this.timers, reaper: this.reaper, leads, gpuLocks: (ids) => o.gpus.lockFiles(ids), onLaunched: (id) => this.onLaunched(id) });
    this.stopper = new Stopper({ store, executor, log, reaper: this.reaper, graceMs: o.killGraceMs });
    this.queue = new QueueView(store, clock);
    this.reasons = new WaitReasons(store, this.queue);
  }

  get isLeader(): boolean {
    return this.leadership.isLeader;
  }

  async start(): Promise<void> {
    await this.o.executor.start((id) => {
      if (!this.leadership.isLeader || this.closed) return;
      this.maybeEnded.add(id);
      this.requestPass({ reapOnly: true });
    });
    this.tick = setInterval(() => this.safetyCheck(), this.o.safetyTickMs ?? 5000);
    await this.leadership.start();
  }

  /** Asks for a running job to be stopped; the leader's next pass does it. */
  stop(id: number, kind: 'cancel' | 'timeout'): void {
    this.o.store.requestStop(id, kind, this.clock.now());
    this.requestPass();
  }

  // --signal: the job is told its time limit is near.
  private async warn(id: number, sig: string): Promise<void> {
    const job = this.o.store.get(id);
    if (job?.state !== 'running' || !this.leadership.confirm()) return;
    try {
      const n = await this.o.executor.signal(job, sig as NodeJS.Signals);
      this.o.log.event(`job ${id}: ${sig} sent to ${n} process(es), ${job.warnBeforeSec} s before its time limit`);
    } catch (err) {
      this.o.log.warn(`job ${id}: cannot send ${sig}: ${(err as Error).message}`);
    }
  }

  /** `reapOnly`: only ends (or stop requests) may have come; the plan cannot have changed. */
  requestPass(o: { reapOnly?: boolean } = {}): void {
    if (!o.reapOnly) this.planWanted = true;
    this.schedulePass();
  }

  private schedulePass(): void {
    if (this.closed || this.passQueued) return;
    this.passQueued = true;
    setImmediate(() => {
      this.passQueued = false;
      if (this.passRunning) {
        // Run again after the current pass, which may have missed this event.
        void this.passRunning.then(() => this.schedulePass());
        return;
      }
      this.passRunning = this.pass()
        .catch((err: Error) => this.o.log.error(`scheduling pass failed: ${err.stack ?? err.message}`))
        .finally(() => {
          this.passRunning = null;
        });
    });
  }

  /** How long the last scheduling pass took (its synchronous part, which holds up requests), in ms. */
  lastPassMs: number | null = null;

  /** One pass; resolves when it is done (tests await it). */
  private async pass(): Promise<void> {
    if (this.closed || !this.leadership.confirm()) return;
    this.reap();
    this.stopRequested();
    if (!this.planWanted) return;
    this.planWanted = false;
    const starts = await this.planStarts();
    for (const s of starts) this.launcher.start(s);
  }

  private reap(): void {
    for (const id of this.maybeEnded) void this.reaper.check(id);
    this.maybeEnded.clear();
  }

  // Stop requests may come through the other daemon during a reload; a job still being
  // launched is stopped once its launch is done (the launch asks for another pass).
  private stopRequested(): void {
    for (const job of this.o.store.slimByState('running', { stopRequested: true })) {
      if (!this.stopper.has(job.id) && !this.launcher.has(job.id)) this.stopper.stop(job);
    }
  }

  private async planStarts(): Promise<{ id: number; gpuIds: number[] }[]> {
    const { store } = this.o;
    let t = performance.now();
    this.queue.refresh();
    // Only jobs with dependencies (or singletons) are looked up; the others are ready as they are.
    const deps = dependencyVerdicts(store, this.queue.gatedJobs());
    if (deps.doomed.length) this.cancelDoomed(deps.doomed);
    const asks = this.queue.asks;
    // The inventory is refreshed right before GPUs are handed out.
    if (asks.gpus || deps.ready.some((r) => r.gpus > 0)) {
      const before = performance.now() - t;
      await this.o.gpus.refresh();
      t = performance.now() - before;
    }
    if (this.closed || !this.leadership.confirm()) return [];
    // The guard says so in the daemon's log; the safety tick plans again once there is room.
    if (this.o.startsRefused?.()) return [];
    const now = this.clock.now();
    const running = store.slimByState('running');
    const policy = policyView(store, running, now, this.policy, asks.mem || deps.ready.some((r) => r.memMb !== null));
    const cap = capacity(running, this.o.cpus, this.o.gpus, now, policy);
    // Store why jobs wait, where that changed (see WaitReasons).
    const ready = mergeById(this.reasons.begin(cap), deps.ready);
    for (const [id, r] of deps.waiting) this.reasons.note(this.queue.get(id)!, r);
    const decision = planStarts(ready, cap, this.reasons.note);
    this.reasons.end(decision.start.length > 0);
    // A begin time coming, or a reservation's window starting or ending, wakes the next pass.
    this.timers.armBegin(nextBegin([...this.queue.timedJobs(), ...deps.ready], now, policy.reservations));
    this.lastPassMs = Math.round((performance.now() - t) * 100) / 100;
    return decision.start;
  }

  private cancelDoomed(doomed: { id: number; failed: number; depKind?: DepKind }[]): void {
    const { store, log } = this.o;
    const now = this.clock.now();
    const cancelled = store.atomically(() =>
      doomed.filter(({ id, failed, depKind }) => {
        if (store.get(id)?.state !== 'queued') return false;
        store.transition(id, 'cancelled', { reason: doomReason(failed, depKind ?? 'afterok'), finishedAt: now, cancelledBy: failed });
        store.dropEnvironment(id);
        return true;
      }),
    );
    for (const { id, failed, depKind } of cancelled) log.event(`job ${id} cancelled: ${doomReason(failed, depKind ?? 'afterok')}`);
  }

  // A short job may end before its launch is done: the end the executor told of meanwhile was
  // put off (see Reaper), so look again now. A stop asked for meanwhile is carried out too.
  private onLaunched(id: number): void {
    this.maybeEnded.add(id);
    this.requestPass({ reapOnly: true });
  }

  private onEnded(id: number): void {
    this.timers.clearDeadline(id);
    this.requestPass();
  }

  /** Reconciles every job recorded as running with what the executor finds; then schedules. */
  private async adopt(): Promise<void> {
    this.queue.reset();
    // In parallel, and awaited: the daemon answers only once every job has its true state.
    await Promise.all(
      this.o.store.byState('running').map(async (job) => {
        if ((await this.reaper.check(job.id)) !== 'running') return;
        const now = this.o.store.require(job.id);
        this.o.log.info(`adopted running job ${job.id} (session ${now.session}, ${now.slurmId !== null ? `Slurm job ${now.slurmId}` : `pid ${now.pid}`})`);
        if (now.slurmId === null || now.node !== null) this.timers.armDeadline(now);
      }),
    );
    this.requestPass();
  }

  private safetyCheck(): void {
    if (!this.leadership.isLeader) {
      void this.leadership.tryLead();
      return;
    }
    for (const job of this.o.store.slimByState('running')) if (!this.stopper.has(job.id)) this.maybeEnded.add(job.id);
    this.requestPass();
  }

  /** Resolves when no pass is running or queued (tests). */
  async idle(): Promise<void> {
    while (this.passQueued || this.passRunning) {
      await this.passRunning;
      await new Promise((r) => setImmediate(r));
    }
  }

  /**
   * Stops scheduling and hands the lease over: finishes the current pass, the launches and
   * the looks in flight, then releases the lease. Running jobs are left alone, and stops in
   * progress are resumed by the next leader.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.tick) clearInterval(this.tick);
    this.timers.clearAll();
    this.o.gpus.stop();
    await this.passRunning;
    await this.queue.close();
    await this.launcher.settle();
    await this.reaper.settle();
    this.leadership.close();
    await this.o.executor.close();
  }
}
