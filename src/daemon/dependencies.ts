// Applies dependency rules to the queue in one scheduling pass: jobs whose dependencies can
// never be met are cancelled (with their own dependents, transitively) unless they opted out
// with --no-auto-cancel; the others learn why they wait.
import { evaluateDeps } from '../core/deps.js';
import { dependsOf, type JobStore, type PlanRow } from '../store/jobs.js';
import type { Logger } from './logger.js';

export interface DependencyResult {
  /** queued jobs whose dependencies are met */
  ready: PlanRow[];
  /** why the others wait */
  waiting: Map<number, string>;
}

export function applyDependencies(store: JobStore, queued: PlanRow[], log: Logger, now: number): DependencyResult {
  let pending = queued;
  for (;;) {
    const ids = [...new Set(pending.flatMap(dependsOf))];
    const states = store.statesOf(ids);
    const ready: PlanRow[] = [];
    const waiting = new Map<number, string>();
    let cancelled = false;
    for (const row of pending) {
      const deps = dependsOf(row);
      const v = evaluateDeps(deps, row.depends_mode, states);
      if (v.kind === 'ready') ready.push(row);
      else if (v.kind === 'waiting') waiting.set(row.id, `Dependency ${v.unmet.join(',')}`);
      else if (row.auto_cancel) {
        store.transition(row.id, 'cancelled', { reason: `dependency ${v.failed} failed`, finishedAt: now });
        log.event(`job ${row.id} cancelled: dependency ${v.failed} failed`);
        cancelled = true;
      } else {
        waiting.set(row.id, `DependencyNeverSatisfied ${v.failed}`);
      }
    }
    // A cancelled job may doom others in the same pass: look again until nothing changes.
    if (!cancelled) return { ready, waiting };
    pending = pending.filter((r) => store.get(r.id)?.state === 'queued');
  }
}
