// The daemon's own events (start, lease, reload, stop, GPUs) and the pruning of old events.
import { RELOAD_OF_ENV, type DaemonEventType } from '../../protocol/events.js';
import type { JobStore } from '../../store/jobs.js';
import type { Logger } from '../logger.js';

export class DaemonEvents {
  /** the daemon this one replaces (a reload), if any */
  readonly reloadOf: number | null;

  constructor(
    private readonly store: JobStore,
    private readonly pid: number,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    const from = Number(env[RELOAD_OF_ENV]);
    this.reloadOf = Number.isInteger(from) && from > 0 ? from : null;
  }

  private emit(type: DaemonEventType, data: object): void {
    this.store.atomically(() => this.store.events.append(type, null, { pid: this.pid, ...data }, Date.now()));
  }

  started(version: string, mode: string): void {
    if (this.reloadOf !== null) this.emit('daemon.reload_begun', { version, mode, from: this.reloadOf });
    else this.emit('daemon.started', { version, mode });
  }

  /** This daemon holds the scheduling lease: for a reload, that is when it is done. */
  leaseTaken(): void {
    this.emit('daemon.lease_taken', {});
    if (this.reloadOf !== null) this.emit('daemon.reload_done', { from: this.reloadOf });
  }

  stopped(signal: string): void {
    this.emit('daemon.stopped', { signal, handingOver: signal === 'SIGUSR2' });
  }

  gpusChanged(gpus: unknown): void {
    this.emit('gpus.changed', { gpus });
  }
}

const PRUNE_EVERY_MS = 10 * 60_000;

/** Removes events past the age or count limits, at start and every 10 minutes, by the leader only. */
export function startEventPruning(store: JobStore, log: Logger, leads: () => boolean, maxAgeSec: number, maxCount: number): () => void {
  const run = (): void => {
    if (!leads() || !store.db.open) return;
    try {
      const n = store.atomically(() => store.events.prune(Date.now() - maxAgeSec * 1000, maxCount));
      if (n > 0) log.info(`removed ${n} old event(s)`);
    } catch (err) {
      log.warn(`pruning events: ${(err as Error).message}`);
    }
  };
  const timer = setInterval(run, PRUNE_EVERY_MS);
  timer.unref();
  const first = setTimeout(run, 5_000);
  first.unref();
  return () => {
    clearInterval(timer);
    clearTimeout(first);
  };
}
