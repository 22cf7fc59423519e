// `gflow submit --dry-run`: the submission checked and resolved exactly as a real one
// (validation, dependencies, arrays), then shown to the planner — the code the scheduler's
// pass and `gflow why` run — as if it were queued behind today's queue. Nothing is written.
import type { DryRunResponse } from '../../protocol/api.js';
import type { BatchRequest, SubmitRequest, TaskSpec } from '../../protocol/job.js';
import type { PlanJob } from '../../store/jobs.js';
import { PLAN_KEYS } from '../../store/job-columns.js';
import type { Caller } from '../../identity/caller.js';
import { dependencyVerdicts, plan } from '../scheduler/planning.js';
import { validateBatch, validateSubmit } from '../validate.js';
import type { Answer, Ctx } from './context.js';
import { newJob } from './submit.js';
import { resolveDeps, withCorresponding } from './submit-deps.js';
import { GflowError } from '../../protocol/errors.js';

export async function dryRun(ctx: Ctx, caller: Caller, body: unknown): Promise<Answer> {
  const isBatch = typeof body === 'object' && body !== null && 'base' in body;
  const { base, tasks }: BatchRequest = isBatch ? validateBatch(body) : { base: validateSubmit(body), tasks: [{}] };
  const deps = resolveDeps(ctx.store, base);
  if (!isBatch && deps.corr.length) throw new GflowError('bad_request', 'aftercorr applies to the tasks of an array or sweep', 'submit an --array, or use afterok');
  const req: SubmitRequest = { ...base, ...deps.fixed };
  // Ids after every existing job: the new jobs queue behind what is there.
  const first = ctx.store.nextId();
  const specs = tasks.map((task: TaskSpec, i) => ({ ...newJob(caller, { ...req, ...withCorresponding(req, deps.corr, task, i) }, isBatch ? 'dry-run' : null, task), id: first + i }));
  if (specs.some((s) => s.gpus > 0)) await ctx.gpus.refresh();
  const candidates = specs.map((s) => Object.fromEntries(PLAN_KEYS.map((k) => [k, k === 'reason' ? null : s[k]])) as PlanJob);
  const queued = [...ctx.store.planningView(), ...candidates.filter((_, i) => !specs[i]!.hold)];
  const v = dependencyVerdicts(ctx.store, queued);
  const decision = plan(v.ready, ctx.store.slimByState('running'), ctx.cpus, ctx.gpus, Date.now());
  const starts = new Set(decision.start.map((s) => s.id));
  const answer: DryRunResponse = {
    jobs: specs.map((s) => {
      const doomed = v.doomed.find((d) => d.id === s.id);
      return {
        name: s.name,
        command: s.command,
        arrayTaskId: s.arrayTaskId,
        params: s.params,
        dependsOn: s.dependsOn,
        dependsKinds: s.dependsKinds,
        held: s.hold,
        reason: s.hold || starts.has(s.id) ? null : doomed ? { kind: 'dependencyFailed', failed: doomed.failed } : (v.waiting.get(s.id) ?? decision.waiting.get(s.id) ?? null),
      };
    }),
  };
  return [200, answer];
}
