// Stopping running jobs (cancel, time limit): the executor signals them, politely and then
// forcefully; the reaper then records the end. A stop request is stored first, so a daemon
// that takes over mid-stop finishes it.
import type { Executor } from '../../executor/executor.js';
import type { JobStore, SlimJob } from '../../store/jobs.js';
import type { Logger } from '../logger.js';
import type { Reaper } from './reaper.js';

export interface StopperDeps {
  store: JobStore;
  executor: Executor;
  log: Logger;
  reaper: Reaper;
  graceMs: number;
}

export class Stopper {
  private readonly inFlight = new Map<number, Promise<void>>();

  constructor(private readonly d: StopperDeps) {}

  has(id: number): boolean {
    return this.inFlight.has(id);
  }

  stop(job: SlimJob): void {
    const { id } = job;
    if (this.inFlight.has(id)) return;
    const { log, store } = this.d;
    log.event(`job ${id}: ${job.stopRequest === 'timeout' ? 'time limit reached' : 'cancelling'}, sending SIGTERM`);
    const work = this.d.executor
      .stop(job, {
        graceMs: this.d.graceMs,
        onEscalate: () => {
          store.mark(id, 'escalated');
          log.warn(`job ${id} still running after ${this.d.graceMs / 1000}s grace, sending SIGKILL`);
        },
      })
      .then(() => this.d.reaper.check(id))
      .then(
        () => {},
        (err: Error) => log.error(`stopping job ${id}: ${err.message}`),
      )
      .finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, work);
  }

  async settle(): Promise<void> {
    await Promise.allSettled([...this.inFlight.values()]);
  }
}
