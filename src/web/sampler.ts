// Takes a sample of the machine every minute for the dashboard's charts (GPU utilisation and
// memory per GPU, running and waiting jobs) and keeps the last day of them. Only the daemon
// holding the scheduling lease samples; samples are keyed by their minute, so two daemons
// during a reload never count a minute twice.
import { ACTIVE_STATES } from '../protocol/job.js';
import type { GpuInfo } from '../protocol/api.js';
import type { SampleStore } from '../store/samples.js';
import type { JobStore, SlimJob } from '../store/jobs.js';

export const SAMPLE_INTERVAL_MS = 60_000;
/** Kept: a day and an hour (the charts show a day). */
export const SAMPLES_KEPT_MS = 25 * 3600_000;

export interface SamplerOptions {
  samples: SampleStore;
  store: JobStore;
  /** the GPUs as the daemon sees them, with the running jobs' share */
  gpus: { describe(running: readonly SlimJob[]): GpuInfo[] };
  log: { warn(msg: string): void };
  leads: () => boolean;
}

export function takeSample(o: SamplerOptions, now: number): void {
  const counts = o.store.countsByState(ACTIVE_STATES);
  const gpus = o.gpus.describe(o.store.slimByState('running')).map((g) => ({ index: g.index, util: g.utilization, memUsedMb: g.memoryUsedMb, memTotalMb: g.memoryTotalMb }));
  const at = now - (now % SAMPLE_INTERVAL_MS);
  o.samples.add({ at, running: counts.get('running') ?? 0, queued: (counts.get('queued') ?? 0) + (counts.get('hold') ?? 0), gpus });
  o.samples.prune(now - SAMPLES_KEPT_MS);
}

/** Samples at every minute's start (and at once); returns a function that stops it. */
export function startSampler(o: SamplerOptions): () => void {
  let timer: NodeJS.Timeout | undefined;
  const tick = (): void => {
    try {
      if (o.leads()) takeSample(o, Date.now());
    } catch (err) {
      // A busy database must not stop the daemon; the next minute tries again.
      o.log.warn(`taking a sample for the dashboard failed: ${(err as Error).message}`);
    }
    timer = setTimeout(tick, SAMPLE_INTERVAL_MS - (Date.now() % SAMPLE_INTERVAL_MS));
    timer.unref();
  };
  tick();
  return () => clearTimeout(timer);
}
