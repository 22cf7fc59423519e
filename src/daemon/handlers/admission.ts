// What a submission must satisfy beyond its own fields: the machine's projects and the
// max-queued quotas. Checked in the transaction that inserts the jobs, so two submissions at
// once cannot both slip under a limit.
import { Quotas, queuedOverQuota } from '../../core/quota.js';
import { GflowError } from '../../protocol/errors.js';
import type { SubmitRequest } from '../../protocol/job.js';
import type { Caller } from '../../identity/caller.js';
import { policyStores } from '../../store/policy.js';
import { policySettings } from '../policy-settings.js';
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
  const stores = policyStores(ctx.store.db);
  const quotas = new Quotas(stores.quotas.list());
  if (quotas.empty) return;
  const who = { user: caller.user, project: req.project ?? null };
  const over = queuedOverQuota(quotas, who, stores.quotas.waiting(who.user, who.project), count);
  if (!over) return;
  const jobs = count === 1 ? 'a job' : `${count} jobs`;
  throw new GflowError(
    'conflict',
    `${over.scope} ${over.name} may have at most ${over.max} waiting (queued or held) jobs and has ${over.waiting}: ${jobs} more would exceed it`,
    'wait until some start or end, or cancel some; `gflow quota list` shows the limits',
  );
}
