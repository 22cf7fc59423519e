// What a new or re-queued job must satisfy beyond its own fields: the machine's projects, room
// on the state directory's disk, the size of the environment it keeps, and the max-queued
// quotas. Checked in the transaction that adds the jobs, so two requests at once cannot both
// slip under a limit.
import { Quotas, quotasInForce, queuedOverQuota } from '../../core/quota.js';
import { formatBytes } from '../../core/size.js';
import { GflowError } from '../../protocol/errors.js';
import type { SubmitRequest } from '../../protocol/job.js';
import type { Caller } from '../../identity/caller.js';
import { policyStores } from '../../store/policy.js';
import { policySettings } from '../policy-settings.js';
import { environmentBytes } from '../validate.js';
import type { Ctx } from './context.js';

/** Refuses a submission of `count` jobs (an array: its tasks) that breaks a rule; changes nothing. */
export function admitSubmission(ctx: Ctx, caller: Caller, req: SubmitRequest, count: number): void {
  const { projects, projectRequired } = policySettings();
  const known = projects.length ? `projects on this machine: ${projects.join(', ')}` : 'any name will do';
  if (req.project === undefined && projectRequired) {
    throw new GflowError('usage', 'this machine requires a project for every job', `add -P NAME (${known})`);
  }
  if (req.project !== undefined && projects.length && !projects.includes(req.project)) {
    throw new GflowError('usage', `unknown project '${req.project}'`, `${known} (the \`projects\` setting)`);
  }
  // What the executor (Slurm) cannot express is refused, never dropped.
  const refused = ctx.executor.refusal?.({ gpuShared: req.shared ?? false, gpuMemoryMb: req.gpuMemoryMb ?? null });
  if (refused) throw refused;
  admitWaiting(ctx, caller.user, req.env, new Map([[req.project ?? null, count]]));
}

/**
 * What every way of adding waiting jobs passes — submit, redo, requeue — with the same refusals.
 * `byProject`: how many jobs of each project (null: none) the request adds for `owner`.
 * Not counted: the retries of --max-retries and the re-queues the daemon does itself (a start
 * postponed, --requeue after a lost node): each replaces a job that ran, admitted when submitted.
 */
export function admitWaiting(ctx: Ctx, owner: string, env: Record<string, string> | undefined, byProject: ReadonlyMap<string | null, number>): void {
  const full = ctx.disk.refusal();
  if (full) throw full;
  const envBytes = env === undefined ? 0 : environmentBytes(env);
  if (envBytes > ctx.limits.maxEnvBytes) {
    throw new GflowError(
      'bad_request',
      `the environment is ${formatBytes(envBytes)}; a waiting job keeps at most ${formatBytes(ctx.limits.maxEnvBytes)} of it on this machine (the maxEnv setting)`,
      'choose what the job gets with --export (e.g. --export PATH,HOME,CUDA_HOME), or unset the big variables',
    );
  }
  const stores = policyStores(ctx.store.db);
  const quotas = new Quotas(quotasInForce(stores.quotas.list(), ctx.limits.maxQueued));
  if (quotas.empty) return;
  let total = 0;
  for (const n of byProject.values()) total += n;
  // The owner's count takes every job; each project's, its own.
  const checks: [string | null, number][] = [[null, total], ...[...byProject].filter(([p]) => p !== null)];
  for (const [project, count] of checks) {
    const who = { user: owner, project };
    const over = queuedOverQuota(quotas, who, stores.quotas.waiting(owner, project), count);
    if (!over) continue;
    const jobs = count === 1 ? 'a job' : `${count} jobs`;
    throw new GflowError(
      'conflict',
      `${over.scope} ${over.name} may have at most ${over.max} waiting (queued or held) jobs and has ${over.waiting}: ${jobs} more would exceed it`,
      'wait until some start or end, or cancel some; `gflow quota list` shows the limits',
    );
  }
}
