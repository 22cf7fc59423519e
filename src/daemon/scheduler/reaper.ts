// Learning of ends: a started job's executor says whether it still runs or how it ended; the
// ending is decided by src/core/end-state.ts and recorded here, with a retry if one is due.
import { endingOf, type Ending } from '../../core/end-state.js';
import type { JobRecord } from '../../core/job.js';
import { requeueWanted } from '../../core/requeue.js';
import type { Executor, StartedJob } from '../../executor/executor.js';
import type { JobStore } from '../../store/jobs.js';
import type { Logger } from '../logger.js';
import { retryIfWanted } from '../retry.js';
import type { Clock } from './clock.js';

export interface ReaperDeps {
  store: JobStore;
  executor: Executor;
  log: Logger;
  clock: Clock;
  /** whether this daemon still leads (checked right before an end is written) */
  leads: () => boolean;
  /** jobs whose launch is in flight: not started as far as the executor knows */
  launching: (id: number) => boolean;
  onEnded: (id: number) => void;
  /** a job that waited in a batch system (Slurm) for a node got one: it starts now */
  onPlaced?: (id: number) => void;
  /** charges an ended job's use of the machine (fair share), in the transaction that ends it */
  account?: (ended: JobRecord) => void;
}

export class Reaper {
  private readonly inspecting = new Map<number, Promise<'running' | 'ended'>>();
  private readonly again = new Set<number>();

  constructor(private readonly d: ReaperDeps) {}

  /**
   * Looks at a running job and records its end if it ended. A look asked for while one is under
   * way is made again after it: the job may have ended after the first look began.
   */
  check(id: number): Promise<'running' | 'ended'> {
    const busy = this.inspecting.get(id);
    if (busy) {
      this.again.add(id);
      return busy;
    }
    const work = this.inspect(id).finally(() => {
      this.inspecting.delete(id);
      if (this.again.delete(id)) void this.check(id);
    });
    this.inspecting.set(id, work);
    return work;
  }

  private async inspect(id: number): Promise<'running' | 'ended'> {
    const job = this.d.store.get(id);
    if (!job || job.state !== 'running') return 'ended';
    // Still being launched: the launcher asks for another look when it is done.
    if (this.d.launching(id)) return 'running';
    const seen = await this.d.executor.inspect(job);
    if (seen.kind === 'running') {
      const moved = job.pid !== seen.pid || (seen.pidStart !== undefined && job.pidStart !== seen.pidStart) || (seen.bootId !== undefined && job.bootId !== seen.bootId) || (seen.slurmId !== undefined && job.slurmId !== seen.slurmId) || (seen.node !== undefined && job.node !== seen.node);
      const placedNow = seen.node != null && job.node == null;
      if (moved && this.d.leads()) this.d.store.setPlacement(id, { ...seen, ...(placedNow && { startedAt: this.d.clock.now() }) });
      if (placedNow) this.d.onPlaced?.(id);
      return 'running';
    }
    if (seen.outcome.exit?.notStarted) {
      await this.requeue(job, 'WaitingForGpu', "its GPUs were taken by another gflow daemon's job");
      return 'ended';
    }
    // Read again: a stop may have been requested (or escalated) while the executor looked.
    const now = this.d.store.get(id);
    if (now?.state !== 'running') return 'ended';
    const where = seen.outcome.where;
    if (where && (where.node !== now.node || (where.slurmId !== undefined && where.slurmId !== now.slurmId)) && this.d.leads()) this.d.store.setPlacement(id, { pid: now.pid, pidStart: now.pidStart, ...where });
    const ending = endingOf(now, seen.outcome);
    // --requeue: the run's session and status go first, so the same id can start again.
    const kept = requeueWanted(now, ending) && this.d.leads() ? await this.clearForRequeue(now) : undefined;
    this.end(id, ending, { endedAt: seen.outcome.exit?.at, requeue: kept });
    return 'ended';
  }

  private async clearForRequeue(job: JobRecord): Promise<{ log: string | null }> {
    const log = await this.d.executor.archiveLog(job, job.attempts.length + 1);
    await this.d.executor.forget(job);
    return { log };
  }

  /**
   * Puts a job that never ran back in the queue (its GPUs were taken by another daemon's job,
   * or the machine ran out of something the launch needed): not an end of the job.
   */
  async requeue(job: StartedJob, reason: string, why: string): Promise<void> {
    await this.d.executor.forget(job);
    if (!this.d.leads()) return;
    const back = this.d.store.atomically(() => {
      if (this.d.store.get(job.id)?.state !== 'running') return false;
      this.d.store.transition(job.id, 'queued', { reason, startedAt: null, session: null, pid: null, pidStart: null, bootId: null, slurmId: null, node: null, gpuIds: null });
      return true;
    });
    if (!back) return;
    this.d.log.warn(`job ${job.id}: ${why}; back in the queue`);
    this.d.onEnded(job.id);
  }

  /** Records the end of a running job (and queues its retry); nothing if it is no longer running. */
  end(id: number, ending: Ending, o: { endedAt?: number; requeue?: { log: string | null } } = {}): void {
    if (!this.d.leads()) return;
    const done = this.d.store.atomically(() => {
      const current = this.d.store.get(id);
      if (current?.state !== 'running') return undefined;
      // The executor's end time when it has one (never before the start, never in the future).
      const now = this.d.clock.now();
      const at = o.endedAt === undefined ? now : Math.min(now, Math.max(o.endedAt, current.startedAt ?? o.endedAt));
      const ended = this.d.store.transition(id, ending.state, { ...ending, finishedAt: at });
      this.d.account?.(ended);
      // The end and the requeue commit together: no pass ever sees the job failed.
      if (o.requeue && requeueWanted(current, ending)) {
        this.d.store.requeue(id, o.requeue.log, true);
        this.d.log.event(`job ${id} ${ended.state}: requeued (${ended.attempt + 1} of ${ended.maxRetries})`);
      } else {
        retryIfWanted(this.d.store, ended, this.d.log, now);
        this.d.store.dropEnvironment(id);
      }
      return ended;
    });
    if (!done) return;
    const how = done.exitCode !== null ? `exit ${done.exitCode}${done.signal ? ` (${done.signal})` : ''}` : (done.reason ?? '');
    this.d.log.event(`job ${id} ${done.state}: ${how}`);
    if (done.autoClose) this.autoClose(done);
    this.d.onEnded(id);
  }

  // --auto-close: the log is complete by now (inspect waited for it); only the session goes.
  private autoClose(job: JobRecord): void {
    this.d.executor.dispose(job).then(
      () => this.d.store.mark(job.id, 'sessionClosed'),
      (err: Error) => this.d.log.warn(`job ${job.id}: cannot close its session: ${err.message}`),
    );
  }

  /** Waits for the looks in progress. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.inspecting.values()]);
  }
}
