// Quotas per user and per project: how many jobs may run, how many GPUs they may hold, and how
// many may wait (queued + held). A user without a quota of their own gets the default one;
// a project has only what is set for it. null: no limit.
import type { WaitReason } from '../protocol/wait-reason.js';
import type { Quota } from '../protocol/policy.js';
import type { Load, Scope } from './load.js';

export type { Quota, QuotaLimits, QuotaScope } from '../protocol/policy.js';

export class Quotas {
  private readonly byKey = new Map<string, Quota>();

  constructor(rows: readonly Quota[] = []) {
    for (const q of rows) this.byKey.set(`${q.scope}:${q.name}`, q);
  }

  get empty(): boolean {
    return this.byKey.size === 0;
  }

  /** The limits, in a stable order (a key of what planning depends on). */
  toJSON(): Quota[] {
    return [...this.byKey.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, q]) => q);
  }

  /** The limits that apply to a user (their own, else the default) or to a project. */
  limitsFor(scope: Scope, name: string): Quota | undefined {
    return this.byKey.get(`${scope}:${name}`) ?? (scope === 'user' ? this.byKey.get('default:') : undefined);
  }
}

/**
 * The quotas in force: the stored ones and, where no default is stored, the built-in default
 * (the maxQueued setting), so that a machine where no admin set a quota still bounds every
 * user's queue.
 */
export function quotasInForce(stored: readonly Quota[], builtInMaxQueued: number | null): Quota[] {
  if (builtInMaxQueued === null || stored.some((q) => q.scope === 'default')) return [...stored];
  return [{ scope: 'default', name: '', maxRunning: null, maxGpus: null, maxQueued: builtInMaxQueued }, ...stored];
}

/** Why a job cannot start now because of a running-jobs or GPU quota; undefined if it may. */
export function quotaBlocker(job: { user: string; project: string | null; gpus: number }, quotas: Quotas, load: Load): WaitReason | undefined {
  const scopes: [Scope, string | null][] = [['user', job.user], ['project', job.project]];
  for (const [scope, name] of scopes) {
    if (name === null) continue;
    const q = quotas.limitsFor(scope, name);
    if (!q) continue;
    const running = load.running(scope, name);
    if (q.maxRunning !== null && running + 1 > q.maxRunning) return { kind: 'quota', scope, name, limit: 'running', max: q.maxRunning, used: running, need: 1 };
    const gpus = load.gpus(scope, name);
    if (q.maxGpus !== null && job.gpus > 0 && gpus + job.gpus > q.maxGpus) return { kind: 'quota', scope, name, limit: 'gpus', max: q.maxGpus, used: gpus, need: job.gpus };
  }
  return undefined;
}

/**
 * Whether `adding` more waiting jobs fit the max-queued quotas, given how many wait now.
 * Returns what is exceeded, for the error message.
 */
export function queuedOverQuota(
  quotas: Quotas,
  who: { user: string; project: string | null },
  waiting: { user: number; project: number },
  adding: number,
): { scope: Scope; name: string; max: number; waiting: number } | undefined {
  const u = quotas.limitsFor('user', who.user);
  if (u?.maxQueued != null && waiting.user + adding > u.maxQueued) return { scope: 'user', name: who.user, max: u.maxQueued, waiting: waiting.user };
  if (who.project === null) return undefined;
  const p = quotas.limitsFor('project', who.project);
  if (p?.maxQueued != null && waiting.project + adding > p.maxQueued) return { scope: 'project', name: who.project, max: p.maxQueued, waiting: waiting.project };
  return undefined;
}
