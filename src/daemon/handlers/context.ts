// What every API handler gets, and what it returns.
import type { Paths } from '../../config/paths.js';
import type { JobStore } from '../../store/jobs.js';
import type { Gpus } from '../gpus.js';
import type { Logger } from '../logger.js';
import type { Scheduler } from '../scheduler.js';

export interface Ctx {
  store: JobStore;
  paths: Paths;
  log: Logger;
  scheduler: Scheduler;
  gpus: Gpus;
  cpus: number;
}

export type Answer = [status: number, body: unknown];
