// Quotas (src/core/quota.ts) as `gflow quota set` stores them, and the counts a max-queued
// check needs at submission.
import type { Quota, QuotaLimits, QuotaScope } from '../core/quota.js';
import type { Db } from './db.js';
import { prepared } from './statements.js';

interface Row {
  scope: QuotaScope;
  name: string;
  max_running: number | null;
  max_gpus: number | null;
  max_queued: number | null;
}

export class QuotaStore {
  constructor(private readonly db: Db) {}

  list(): Quota[] {
    const rows = prepared(this.db, "SELECT scope, name, max_running, max_gpus, max_queued FROM quotas ORDER BY CASE scope WHEN 'default' THEN 0 WHEN 'user' THEN 1 ELSE 2 END, name").all() as Row[];
    return rows.map((r) => ({ scope: r.scope, name: r.name, maxRunning: r.max_running, maxGpus: r.max_gpus, maxQueued: r.max_queued }));
  }

  /** Sets the given limits (undefined: kept as they are; null: no limit); returns the quota. */
  set(scope: QuotaScope, name: string, limits: Partial<QuotaLimits>): Quota {
    const now = this.list().find((q) => q.scope === scope && q.name === name) ?? { scope, name, maxRunning: null, maxGpus: null, maxQueued: null };
    const next: Quota = { ...now, ...Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)) };
    prepared(this.db, 'INSERT INTO quotas (scope, name, max_running, max_gpus, max_queued) VALUES (?, ?, ?, ?, ?) ON CONFLICT(scope, name) DO UPDATE SET max_running = excluded.max_running, max_gpus = excluded.max_gpus, max_queued = excluded.max_queued')
      .run(scope, name, next.maxRunning, next.maxGpus, next.maxQueued);
    return next;
  }

  remove(scope: QuotaScope, name: string): boolean {
    return prepared(this.db, 'DELETE FROM quotas WHERE scope = ? AND name = ?').run(scope, name).changes > 0;
  }

  /** Jobs waiting (queued or held) of a user and of a project: what max-queued limits. */
  waiting(user: string, project: string | null): { user: number; project: number } {
    const count = (col: 'user' | 'project', v: string): number => (prepared(this.db, `SELECT count(*) AS n FROM jobs WHERE state IN ('queued','hold') AND ${col} = ?`).get(v) as { n: number }).n;
    return { user: count('user', user), project: project === null ? 0 : count('project', project) };
  }
}
