// What the daemon hands the dashboard: its store, paths, GPUs and log, and its own rules for a
// request (who is calling, a bounded JSON body, a job id). The dashboard imports nothing of the
// daemon; the daemon's context fits this shape as it is.
import type http from 'node:http';
import type { Paths } from '../config/paths.js';
import type { Caller } from '../identity/caller.js';
import type { JobStore } from '../store/jobs.js';
import type { SamplerOptions } from './sampler.js';

export interface WebHost {
  store: JobStore;
  paths: Paths;
  gpus: SamplerOptions['gpus'];
  log: { info(msg: string): void; warn(msg: string): void };
  /** the caller of a request, from the kernel (or a dashboard session) */
  identify(req: http.IncomingMessage): Caller;
  /** a request's JSON body, at most `limit` bytes */
  readJson(req: http.IncomingMessage, limit: number): Promise<unknown>;
  /** a job id from a path, or a bad_request error */
  parseId(text: string): number;
}
