// What running jobs hold, per user and per project: counted once from the running jobs and
// updated by the planner as it starts more, so quotas and reservations see the pass's own starts.
import type { Scope } from '../protocol/policy.js';

export interface LoadJob {
  user: string;
  project: string | null;
  gpus: number;
}

export type { Scope } from '../protocol/policy.js';

export class Load {
  private readonly counts = new Map<string, { running: number; gpus: number }>();

  static of(running: readonly LoadJob[]): Load {
    const load = new Load();
    for (const j of running) load.add(j);
    return load;
  }

  clone(): Load {
    const out = new Load();
    for (const [k, v] of this.counts) out.counts.set(k, { ...v });
    return out;
  }

  add(job: LoadJob): void {
    this.bump(`user:${job.user}`, job.gpus);
    if (job.project !== null) this.bump(`project:${job.project}`, job.gpus);
  }

  running(scope: Scope, name: string): number {
    return this.counts.get(`${scope}:${name}`)?.running ?? 0;
  }

  gpus(scope: Scope, name: string): number {
    return this.counts.get(`${scope}:${name}`)?.gpus ?? 0;
  }

  /** The counts, in a stable order (a key of what planning depends on). */
  toJSON(): [string, { running: number; gpus: number }][] {
    return [...this.counts].sort(([a], [b]) => (a < b ? -1 : 1));
  }

  private bump(key: string, gpus: number): void {
    const c = this.counts.get(key) ?? { running: 0, gpus: 0 };
    c.running++;
    c.gpus += gpus;
    this.counts.set(key, c);
  }
}
