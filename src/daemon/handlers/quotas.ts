// `gflow quota`: reading is open to everyone (users should know their limits, and `gflow why`
// tells them anyway); setting and removing are root's.
import { quotasInForce, type QuotaLimits, type QuotaScope } from '../../core/quota.js';
import type { QuotaTarget, QuotasResponse } from '../../protocol/api.js';
import { GflowError } from '../../protocol/errors.js';
import { assertAdmin, type Caller } from '../../identity/caller.js';
import { policyStores } from '../../store/policy.js';
import { name } from '../validate.js';
import type { Answer, Ctx } from './context.js';

const LIMITS = ['maxRunning', 'maxGpus', 'maxQueued'] as const satisfies readonly (keyof QuotaLimits)[];

// The built-in default (the maxQueued setting) is listed as the default it is.
export function listQuotas(ctx: Ctx): Answer {
  const body: QuotasResponse = { quotas: quotasInForce(policyStores(ctx.store.db).quotas.list(), ctx.limits.maxQueued) };
  return [200, body];
}

export function setQuota(ctx: Ctx, caller: Caller, body: unknown): Answer {
  assertAdmin(caller, 'set quotas');
  const b = object(body);
  const target = quotaTarget(b);
  const limits: Partial<QuotaLimits> = {};
  for (const k of LIMITS) {
    const v = b[k];
    if (v === undefined) continue;
    if (v !== null && !(Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= 1_000_000)) throw new GflowError('bad_request', `invalid field '${k}': expected a whole number from 0 to 1000000, or null for no limit`);
    limits[k] = v as number | null;
  }
  if (Object.keys(limits).length === 0) throw new GflowError('bad_request', 'no limit given', 'give --max-running, --max-gpus or --max-queued');
  const quotas = policyStores(ctx.store.db).quotas;
  // A new quota of a user (or a first stored default) replaces the default in force for whom it
  // names: it starts from that default's max-queued, so that `--max-running 2` alone does not
  // lift the bound on the queue.
  if (limits.maxQueued === undefined && target.scope !== 'project') {
    const stored = quotas.list();
    if (!stored.some((q) => q.scope === target.scope && q.name === target.name)) limits.maxQueued = quotasInForce(stored, ctx.limits.maxQueued).find((q) => q.scope === 'default')?.maxQueued ?? null;
  }
  const quota = quotas.set(target.scope, target.name, limits);
  ctx.log.event(`quota for ${label(target)} set by ${caller.user}: ${LIMITS.map((k) => `${k} ${quota[k] ?? 'none'}`).join(', ')}`);
  ctx.scheduler.requestPass();
  return [200, { quota }];
}

export function removeQuota(ctx: Ctx, caller: Caller, body: unknown): Answer {
  assertAdmin(caller, 'remove quotas');
  const target = quotaTarget(object(body));
  if (!policyStores(ctx.store.db).quotas.remove(target.scope, target.name)) throw new GflowError('not_found', `there is no quota for ${label(target)}`, 'see `gflow quota list`');
  ctx.log.event(`quota for ${label(target)} removed by ${caller.user}`);
  ctx.scheduler.requestPass();
  return [200, { removed: target }];
}

function object(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GflowError('bad_request', "invalid field 'body': expected a JSON object");
  return body as Record<string, unknown>;
}

function quotaTarget(b: Record<string, unknown>): QuotaTarget {
  const scope = b.scope as QuotaScope;
  if (scope !== 'user' && scope !== 'project' && scope !== 'default') throw new GflowError('bad_request', "invalid field 'scope': expected 'user', 'project' or 'default'");
  return { scope, name: scope === 'default' ? '' : name(b.name, 'name') };
}

function label(t: QuotaTarget): string {
  return t.scope === 'default' ? 'the default' : `${t.scope} ${t.name}`;
}
