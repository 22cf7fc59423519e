// Submissions: one job, or an array / sweep committed in one transaction.
import crypto from 'node:crypto';
import { NEW_JOB_DEFAULTS, type JobRecord, type NewJob } from '../../core/job.js';
import { GflowError } from '../../protocol/errors.js';
import type { SubmitRequest, TaskSpec } from '../../protocol/job.js';
import { validateBatch, validateSubmit } from '../validate.js';
import { resolveDeps, withCorresponding } from './submit-deps.js';
import type { Caller } from '../../identity/caller.js';
import { admitSubmission } from './admission.js';
import type { Answer, Ctx } from './context.js';
import { afterBurst } from '../memory-return.js';

const MY_UID = process.getuid?.() ?? 0;

// The owner is who the kernel says called, whatever the request claims.
export function newJob(caller: Caller, req: SubmitRequest, groupId: string | null, task: TaskSpec = {}): NewJob {
  return {
    ...NEW_JOB_DEFAULTS,
    name: task.name ?? req.name ?? null,
    user: caller.user,
    uid: caller.uid,
    command: task.command ?? req.command ?? null,
    script: req.script ?? null,
    scriptPath: req.scriptPath ?? null,
    cwd: req.cwd,
    env: req.env,
    priority: req.priority ?? NEW_JOB_DEFAULTS.priority,
    cpus: req.cpus ?? NEW_JOB_DEFAULTS.cpus,
    timeLimitSec: req.timeLimitSec ?? null,
    hold: req.hold ?? false,
    token: crypto.randomBytes(16).toString('hex'),
    gpus: req.gpus ?? NEW_JOB_DEFAULTS.gpus,
    gpuShared: req.shared ?? false,
    gpuMemoryMb: req.gpuMemoryMb ?? null,
    dependsOn: req.dependsOn ?? [],
    dependsMode: req.dependsMode ?? 'all',
    // All afterok (the default) is stored as null.
    dependsKinds: req.dependsKinds?.some((k) => k !== 'afterok') ? req.dependsKinds : null,
    singleton: req.singleton ?? false,
    autoCancel: req.autoCancel ?? true,
    groupId,
    maxConcurrent: req.maxConcurrent ?? null,
    arrayTaskId: task.arrayTaskId ?? null,
    params: task.params ?? null,
    maxRetries: req.maxRetries ?? 0,
    retryOnTimeout: req.retryOnTimeout ?? false,
    beginAt: req.beginAt ?? null,
    project: req.project ?? null,
    memMb: req.memMb ?? null,
    outputPath: req.outputPath ?? null,
    maxLogBytes: req.maxLogBytes ?? null,
    errorPath: req.errorPath ?? null,
    condaEnv: req.condaEnv ?? null,
    autoClose: req.autoClose ?? false,
    requeue: req.requeue ?? false,
    warnSignal: req.warnSignal ?? null,
    warnBeforeSec: req.warnSignal ? (req.warnBeforeSec ?? 60) : null,
    mailUser: req.mailUser ?? null,
    notifyOn: req.mailUser && req.notifyOn ? req.notifyOn : null,
  };
}


// A script sent as text (stdin, or a sweep's substituted copy) is kept with the job, so the
// job runs what was submitted.
function insert(ctx: Ctx, job: NewJob, scriptText: string | undefined, now: number): JobRecord {
  const row = ctx.store.insert(job, now);
  if (scriptText === undefined) return row;
  ctx.store.setScript(row.id, ctx.executor.keepScript(row, scriptText));
  return ctx.store.require(row.id);
}

// A shared daemon (root) never opens a path a user names: whatever the user could not read
// would be read for them. `gflow submit` and the MCP tool read the script as the user and send
// its text; a bare `script` path is for a daemon that runs as its caller.
function refuseScriptPath(ctx: Ctx, caller: Caller, req: SubmitRequest): void {
  if (req.script === undefined || ctx.paths.mode !== 'shared' || caller.uid === MY_UID) return;
  throw new GflowError('bad_request', 'the shared daemon does not open files for its users: send the script itself (scriptText), not its path', 'gflow submit <script> sends it for you');
}

export function submit(ctx: Ctx, caller: Caller, body: unknown): Answer {
  const req = validateSubmit(body);
  refuseScriptPath(ctx, caller, req);
  if (req.maxConcurrent !== undefined) throw new GflowError('bad_request', 'maxConcurrent caps the tasks of an array or sweep; a single job has none', 'drop --max-concurrent, or submit an --array or --param sweep');
  const deps = resolveDeps(ctx.store, req);
  if (deps.corr.length) throw new GflowError('bad_request', 'aftercorr applies to the tasks of an array or sweep', 'submit an --array, or use afterok');
  Object.assign(req, deps.fixed);
  const row = ctx.store.atomically(() => {
    admitSubmission(ctx, caller, req, 1);
    return insert(ctx, newJob(caller, req, null), req.scriptText, Date.now());
  });
  ctx.log.event(`job ${row.id} submitted by ${row.user}${row.name ? ` (${row.name})` : ''}: ${describe(row)}`);
  ctx.scheduler.requestPass();
  return [201, { job: ctx.store.toJob(row) }];
}

export function submitBatch(ctx: Ctx, caller: Caller, body: unknown): Answer {
  const { base, tasks } = validateBatch(body);
  refuseScriptPath(ctx, caller, base);
  const deps = resolveDeps(ctx.store, base);
  Object.assign(base, deps.fixed);
  const groupId = crypto.randomUUID();
  const now = Date.now();
  const rows = ctx.store.atomically(() => {
    admitSubmission(ctx, caller, base, tasks.length);
    return tasks.map((task, i) => insert(ctx, newJob(caller, { ...base, ...withCorresponding(base, deps.corr, task, i) }, groupId, task), task.scriptText ?? base.scriptText, now));
  });
  ctx.log.event(`jobs ${rows[0]!.id}-${rows.at(-1)!.id} submitted by ${caller.user} as one group of ${rows.length}${base.maxConcurrent ? `, at most ${base.maxConcurrent} at once` : ''}`);
  ctx.scheduler.requestPass();
  afterBurst(rows.length);
  return [201, { jobs: rows.map((r) => ctx.store.toJob(r)) }];
}

export function describe(job: JobRecord): string {
  const text = job.command ? job.command.join(' ') : `script ${job.scriptPath ?? job.script}`;
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
