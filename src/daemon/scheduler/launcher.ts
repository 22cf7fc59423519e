// Launching: a start is recorded first (the job is `running` before the executor is asked),
// then the executor starts it in the background, so the next pass need not wait for it.
import { jobEnvironment } from '../../core/job-env.js';
import { outputEnv } from '../../core/output-path.js';
import type { Start } from '../../core/plan.js';
import type { Executor } from '../../executor/executor.js';
import { GflowError } from '../../protocol/errors.js';
import type { JobStore } from '../../store/jobs.js';
import type { Logger } from '../logger.js';
import type { Clock } from './clock.js';
import type { Reaper } from './reaper.js';
import type { Timers } from './timers.js';

const SHORTAGES = ['EMFILE', 'ENFILE', 'EAGAIN', 'ENOMEM', 'ENOSPC'];

export interface LauncherDeps {
  store: JobStore;
  executor: Executor;
  log: Logger;
  clock: Clock;
  timers: Timers;
  reaper: Reaper;
  leads: () => boolean;
  /** the lock files of these GPUs */
  gpuLocks: (gpuIds: readonly number[]) => string[];
  /** a launch finished, well or not (a stop requested meanwhile can now be carried out) */
  onLaunched: (id: number) => void;
}

export class Launcher {
  private readonly inFlight = new Map<number, Promise<void>>();

  constructor(private readonly d: LauncherDeps) {}

  has(id: number): boolean {
    return this.inFlight.has(id);
  }

  start(s: Start): void {
    const { store, executor, log } = this.d;
    if (!this.d.leads()) return;
    const job = store.get(s.id);
    // Cancelled or held while the pass waited for the GPU inventory: not to be started.
    if (job?.state !== 'queued') return;
    const session = executor.placeFor(job);
    let started;
    try {
      // Recorded as running before the executor is asked: if the daemon dies in between,
      // the next one finds nothing there and marks the job lost — a job starts at most once.
      started = store.transition(s.id, 'running', { startedAt: this.d.clock.now(), session, reason: null, gpuIds: s.gpuIds.length ? s.gpuIds : null });
    } catch (err) {
      // The other daemon of a reload changed the job in between: it is not ours to start.
      if (err instanceof GflowError && err.code === 'conflict') return;
      throw err;
    }
    const work = executor
      .launch({ job: started, session, env: { ...jobEnvironment(started, s.gpuIds, this.d.gpuLocks(s.gpuIds)), ...outputEnv(started, store.groups.firstOf(started)) } })
      .then(
        (placed) => {
          store.setPlacement(s.id, placed);
          const where = placed.slurmId != null ? `Slurm job ${placed.slurmId}` : `pid ${placed.pid}`;
          log.event(`job ${s.id} started in ${session} (${where}${s.gpuIds.length ? `, GPUs ${s.gpuIds.join(',')}` : ''})`);
          // A job waiting in Slurm for a node has not started: its time limit counts from then (Reaper).
          if (placed.slurmId == null || placed.node) this.d.timers.armDeadline(started);
        },
        async (err: Error) => {
          // A shortage of the machine (file descriptors, processes, memory) is not the job's
          // fault: it waits for the next pass instead of failing.
          const shortage = SHORTAGES.find((code) => (err as NodeJS.ErrnoException).code === code || err.message.includes(code));
          if (shortage) return this.d.reaper.requeue(started, `start postponed: ${shortage}`, `could not start (${err.message})`);
          log.error(`job ${s.id} could not start: ${err.message}`);
          this.d.reaper.end(s.id, { state: 'failed', reason: `start failed: ${err.message}`, exitCode: null, signal: null, endedBy: null });
        },
      )
      .finally(() => {
        this.inFlight.delete(s.id);
        this.d.onLaunched(s.id);
      });
    this.inFlight.set(s.id, work);
  }

  async settle(): Promise<void> {
    await Promise.allSettled([...this.inFlight.values()]);
  }
}
