// Submissions: one job, or an array / sweep committed in one transaction.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { GflowError } from '../../protocol/errors.js';
import type { SubmitRequest, TaskSpec } from '../../protocol/job.js';
import { NEW_JOB_DEFAULTS, type JobRow, type NewJob } from '../../store/jobs.js';
import { validateBatch, validateSubmit } from '../validate.js';
import type { Answer, Ctx } from './context.js';

function newJob(req: SubmitRequest, groupId: string | null, task: TaskSpec = {}): NewJob {
  return {
    ...NEW_JOB_DEFAULTS,
    name: task.name ?? req.name ?? null,
    user: req.user,
    command: task.command ?? req.command ?? null,
    script: req.script ?? null,
    cwd: req.cwd,
    env: req.env,
    priority: req.priority ?? 0,
    cpus: req.cpus ?? 1,
    timeLimitSec: req.timeLimitSec ?? null,
    hold: req.hold ?? false,
    token: crypto.randomBytes(16).toString('hex'),
    gpus: req.gpus ?? 0,
    gpuShared: req.shared ?? false,
    gpuMemoryMb: req.gpuMemoryMb ?? null,
    dependsOn: req.dependsOn ?? [],
    dependsMode: req.dependsMode ?? 'all',
    autoCancel: req.autoCancel ?? true,
    groupId,
    maxConcurrent: req.maxConcurrent ?? null,
    arrayTaskId: task.arrayTaskId ?? null,
    params: task.params ?? null,
    maxRetries: req.maxRetries ?? 0,
    retryOnTimeout: req.retryOnTimeout ?? false,
    beginAt: req.beginAt ?? null,
  };
}

// Dependencies must exist; one that failed and was retried means its latest retry.
function checkDependencies(ctx: Ctx, deps: number[]): number[] {
  const known = ctx.store.statesOf(deps);
  const missing = deps.find((d) => !known.has(d));
  if (missing !== undefined) throw new GflowError('bad_request', `dependency ${missing} does not exist`, 'see `gflow queue -a` for job ids');
  return deps.map((d) => ctx.store.latestRetryOf(d));
}

// A script read from stdin is kept with the job, so the job runs what was submitted.
function storeScriptText(ctx: Ctx, row: JobRow, text: string): JobRow {
  const file = path.join(ctx.paths.jobsDir, String(row.id), 'script');
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, text, { mode: 0o700 });
  ctx.store.db.prepare('UPDATE jobs SET script = ? WHERE id = ?').run(file, row.id);
  return ctx.store.require(row.id);
}

export function submit(ctx: Ctx, body: unknown): Answer {
  const req = validateSubmit(body);
  if (req.dependsOn) req.dependsOn = checkDependencies(ctx, req.dependsOn);
  const row = ctx.store.db.transaction(() => {
    const inserted = ctx.store.insert(newJob(req, req.maxConcurrent ? crypto.randomUUID() : null), Date.now());
    return req.scriptText === undefined ? inserted : storeScriptText(ctx, inserted, req.scriptText);
  })();
  ctx.log.event(`job ${row.id} submitted by ${row.user}${row.name ? ` (${row.name})` : ''}: ${describe(row)}`);
  ctx.scheduler.requestPass();
  return [201, { job: ctx.store.toJob(row) }];
}

export function submitBatch(ctx: Ctx, body: unknown): Answer {
  const { base, tasks } = validateBatch(body);
  if (base.dependsOn) base.dependsOn = checkDependencies(ctx, base.dependsOn);
  const groupId = crypto.randomUUID();
  const now = Date.now();
  const rows = ctx.store.db.transaction(() =>
    tasks.map((task) => {
      const inserted = ctx.store.insert(newJob(base, groupId, task), now);
      return base.scriptText === undefined ? inserted : storeScriptText(ctx, inserted, base.scriptText);
    }),
  )();
  ctx.log.event(`jobs ${rows[0]!.id}-${rows.at(-1)!.id} submitted by ${base.user} as one group of ${rows.length}${base.maxConcurrent ? `, at most ${base.maxConcurrent} at once` : ''}`);
  ctx.scheduler.requestPass();
  return [201, { jobs: rows.map((r) => ctx.store.toJob(r)) }];
}

export function describe(row: JobRow): string {
  const text = row.command ? (JSON.parse(row.command) as string[]).join(' ') : `script ${row.script}`;
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
