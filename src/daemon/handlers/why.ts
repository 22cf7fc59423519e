// `gflow why`: asks the planner — the same code the scheduler's pass runs — about one job,
// and sends its structured answer with what it was decided from; the CLI renders it.
import { fairSorted } from '../../core/fair-share.js';
import { kindAt } from '../../core/deps.js';
import type { WhyResponse } from '../../protocol/api.js';
import type { WaitReason } from '../../protocol/wait-reason.js';
import { policySettings } from '../policy-settings.js';
import { dependencyVerdicts, plan, policyView } from '../scheduler/planning.js';
import type { Answer, Ctx } from './context.js';

export async function why(ctx: Ctx, id: number): Promise<Answer> {
  const job = ctx.store.require(id);
  const body: WhyResponse = { job: ctx.store.toJob(job) };
  if (job.state !== 'queued') return [200, body];
  if (job.gpus > 0) await ctx.gpus.refresh();
  const queued = ctx.store.planningView();
  const deps = dependencyVerdicts(ctx.store, queued);
  const running = ctx.store.slimByState('running');
  const now = Date.now();
  const settings = policySettings();
  const policy = policyView(ctx.store, running, now, settings, deps.ready.some((r) => r.memMb !== null) || job.memMb !== null);
  const decision = plan(deps.ready, running, ctx.cpus, ctx.gpus, now, policy);
  const doomed = deps.doomed.find((d) => d.id === id);
  const reason: WaitReason | null = doomed ? { kind: 'dependencyFailed', failed: doomed.failed } : (deps.waiting.get(id) ?? decision.waiting.get(id) ?? null);
  const usage = new Map([...policy.usage].map(([user, u]) => [user, u.usage]));
  const states = ctx.store.statesOf(job.dependsOn);
  const used = running.reduce((n, r) => n + r.cpus, 0);
  body.wait = {
    reason,
    place: fairSorted(queued, usage).findIndex((q) => q.id === id) + 1,
    queued: queued.length,
    dependencies: job.dependsOn.map((d, i) => ({ id: d, state: states.get(d) ?? 'unknown', kind: kindAt(job.dependsKinds, i) })),
    cpus: { total: ctx.cpus, free: ctx.cpus - used, holders: running.map((r) => ({ id: r.id, cpus: r.cpus })) },
    gpus: job.gpus > 0 ? ctx.gpus.describe(running) : [],
    gpuError: job.gpus > 0 ? ctx.gpus.error : null,
    fairShare: {
      user: job.user,
      usage: usage.get(job.user) ?? 0,
      users: [...new Set(queued.map((q) => q.user))].map((user) => ({ user, usage: usage.get(user) ?? 0 })).sort((a, b) => a.usage - b.usage || a.user.localeCompare(b.user)),
      ...settings.fairShare,
    },
    memory: job.memMb !== null ? (policy.memory ?? null) : undefined,
  };
  return [200, body];
}
