// What every API handler gets, and what it returns.
import type { Paths } from '../../config/paths.js';
import type { Executor } from '../../executor/executor.js';
import type { JobStore } from '../../store/jobs.js';
import type { Gpus } from '../gpus.js';
import type { Logger } from '../logger.js';
import type { AdmissionLimits } from '../policy-settings.js';
import type { DiskGuard } from '../storage-guard.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { Notify } from '../../notify/service.js';

export interface Ctx {
  store: JobStore;
  paths: Paths;
  log: Logger;
  scheduler: Scheduler;
  executor: Executor;
  gpus: Gpus;
  cpus: number;
  /** a GPU allow-list given at run time (`gflow gpu allow`) replaces the start flag */
  onGpusAllowed: (text: string) => void;
  /** notification rules, outbox and sender */
  notify: Notify;
  /** what every new or re-queued job is held to (src/daemon/handlers/admission.ts) */
  limits: AdmissionLimits;
  /** refuses new jobs while the state directory's disk is nearly full */
  disk: DiskGuard;
}

export type Answer = [status: number, body: unknown];
