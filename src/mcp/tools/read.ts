// Tools that only read: the queue, one job, its log, why it waits, the GPUs, the queue's
// pressure. They change nothing, so they are annotated read-only.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { Client } from '../../client/client.js';
import { jobsQuery, statsPath } from '../../client/queries.js';
import type { StatsResponse } from '../../protocol/stats.js';
import { resolveJobId } from '../../client/job-ref.js';
import { whyLines } from '../../client/why-text.js';
import { ROUTES, type InfoResponse, type JobResponse, type JobsResponse, type UsageResponse, type WhyResponse } from '../../protocol/api.js';
import type { Job } from '../../protocol/job.js';
import { logTail } from '../log-tail.js';
import { guarded, json, text } from '../result.js';

const READ_ONLY = { readOnlyHint: true, openWorldHint: false } as const;
export const JOB_REF = z.string().describe('a job id, or @ / @~N: the newest job of your last / N-th last submission');
const LIST_DEFAULT = 100;
const LOG_LINES = 200;
const LOG_BYTES = 32 * 1024;

/** A job in a list: what tells jobs apart; get_job gives all of it. */
function summary(j: Job): Record<string, unknown> {
  return {
    id: j.id,
    name: j.name,
    user: j.user,
    state: j.state,
    what: j.command ? j.command.join(' ') : (j.scriptPath ?? j.script),
    cpus: j.cpus,
    gpus: j.gpus,
    ...(j.gpuIds ? { gpuIds: j.gpuIds } : {}),
    priority: j.priority,
    submittedAt: j.submittedAt,
    ...(j.startedAt ? { startedAt: j.startedAt } : {}),
    ...(j.finishedAt ? { finishedAt: j.finishedAt, exitCode: j.exitCode } : {}),
    ...(j.reason ? { reason: j.reason } : {}),
    ...(j.dependsOn.length ? { dependsOn: j.dependsOn } : {}),
  };
}

export function registerReadTools(server: McpServer): void {
  server.registerTool(
    'list_jobs',
    {
      title: 'List jobs',
      description: "The queue, as `gflow queue`: active jobs (queued, held, running) of every user by default, newest last. Filters as the CLI's.",
      inputSchema: {
        states: z.string().optional().describe('only these states, e.g. R,PD or running,queued (PD H R CD F CA TO)'),
        jobs: z.string().optional().describe('only these job ids, e.g. 1,3,5-9'),
        user: z.string().optional().describe("only this user's jobs"),
        mine: z.boolean().optional().describe('only your own jobs'),
        all: z.boolean().optional().describe('include ended jobs'),
        limit: z.number().int().min(1).max(10_000).optional().describe(`only the newest N jobs (default ${LIST_DEFAULT})`),
      },
      annotations: { title: 'List jobs', ...READ_ONLY },
    },
    guarded(async (a) => {
      const limit = a.limit ?? LIST_DEFAULT;
      const q = jobsQuery({ all: a.all, states: a.states, jobs: a.jobs, user: a.user, me: a.mine, limit });
      const { jobs } = await new Client().request<JobsResponse>('GET', `${ROUTES.jobs}?${q}`);
      const note = jobs.length === limit ? `the newest ${limit} jobs; there may be more (raise limit or filter)` : `${jobs.length} job(s)`;
      return text(`${note}\n${json(jobs.map(summary))}`);
    }),
  );

  server.registerTool(
    'get_job',
    {
      title: 'Get a job',
      description: 'Everything about one job, as `gflow show --json`: command, state, resources, times, exit code, dependencies, log path.',
      inputSchema: { job: JOB_REF },
      annotations: { title: 'Get a job', ...READ_ONLY },
    },
    guarded(async (a) => {
      const client = new Client();
      const { job } = await client.request<JobResponse>('GET', ROUTES.job(await resolveJobId(client, a.job)));
      return text(json(job));
    }),
  );

  server.registerTool(
    'read_job_log',
    {
      title: "Read a job's log",
      description: `The last lines of a job's output (stdout and stderr, as its terminal showed them: no colour codes, progress bars at their last state), at most ${LOG_BYTES / 1024} KiB unless maxBytes says otherwise.`,
      inputSchema: {
        job: JOB_REF,
        lines: z.number().int().min(1).max(100_000).optional().describe(`the last N lines (default ${LOG_LINES})`),
        maxBytes: z.number().int().min(256).max(1024 * 1024).optional().describe(`at most this many bytes, the newest (default ${LOG_BYTES})`),
      },
      annotations: { title: "Read a job's log", ...READ_ONLY },
    },
    guarded(async (a) => {
      const client = new Client();
      const { job } = await client.request<JobResponse>('GET', ROUTES.job(await resolveJobId(client, a.job)));
      const tail = await logTail(job.logPath, a.lines ?? LOG_LINES, a.maxBytes ?? LOG_BYTES);
      if (tail.size === null) return text(`job ${job.id} is ${job.state} and has no output yet`);
      const head = `job ${job.id} (${job.state}${job.exitCode !== null ? `, exit ${job.exitCode}` : ''}), log ${job.logPath}, ${tail.size} bytes${tail.cut ? '; only its end is shown' : ''}:`;
      return text(`${head}\n${tail.text}`);
    }),
  );

  server.registerTool(
    'why_job_waits',
    {
      title: 'Why a job waits',
      description: 'Why a queued job has not started, as `gflow why`: dependencies, CPUs, GPUs and who holds them, memory, its place in the queue, fair share.',
      inputSchema: { job: JOB_REF },
      annotations: { title: 'Why a job waits', ...READ_ONLY },
    },
    guarded(async (a) => {
      const client = new Client();
      const answer = await client.request<WhyResponse>('GET', ROUTES.jobAction(await resolveJobId(client, a.job), 'why'));
      return text(whyLines(answer).join('\n'), `details:\n${json(answer.wait ?? { state: answer.job.state })}`);
    }),
  );

  server.registerTool(
    'gpu_info',
    {
      title: 'GPUs and CPU slots',
      description: 'The machine as the scheduler sees it, as `gflow info`: each GPU (memory, utilisation, allowed, which jobs and users hold it, foreign processes), CPU slots in use, jobs by state.',
      inputSchema: {},
      annotations: { title: 'GPUs and CPU slots', ...READ_ONLY },
    },
    guarded(async () => text(json(await new Client().request<InfoResponse>('GET', ROUTES.info)))),
  );

  server.registerTool(
    'queue_pressure',
    {
      title: 'Queue pressure and usage',
      description: "How busy the machine is: jobs by state, CPU slots and GPUs in use and free, and every user's running and waiting jobs with their fair-share usage (as `gflow share`; lower usage goes first among equal priorities).",
      inputSchema: {},
      annotations: { title: 'Queue pressure and usage', ...READ_ONLY },
    },
    guarded(async () => {
      const client = new Client();
      const [info, usage] = await Promise.all([client.request<InfoResponse>('GET', ROUTES.info), client.request<UsageResponse>('GET', ROUTES.usage)]);
      const allowed = info.gpus.filter((g) => g.allowed);
      const busy = allowed.filter((g) => g.jobs.length > 0 || g.foreign.some((p) => !p.ignored));
      return text(
        json({
          jobs: info.counts,
          cpus: { total: info.cpus.total, used: info.cpus.used, free: info.cpus.total - info.cpus.used },
          gpus: { allowed: allowed.length, inUse: busy.length, free: allowed.length - busy.length, ...(info.gpuError ? { error: info.gpuError } : {}) },
          users: usage.users,
          fairShare: { halfLifeHours: usage.halfLifeHours, gpuWeight: usage.gpuWeight },
        }),
      );
    }),
  );

  server.registerTool(
    'job_stats',
    {
      title: 'Job statistics',
      description: 'What ended jobs did (`gflow stats`): jobs by end state, success rate, wait and run time (median, p90), GPU- and CPU-hours, per user and per project, the longest jobs, jobs ended per hour.',
      inputSchema: {
        since: z.string().optional().describe('only jobs ended since: 7d, 12h, today, yesterday, 2026-11-20, ISO 8601 (default: all)'),
        user: z.string().optional().describe("one user's jobs"),
        allUsers: z.boolean().optional().describe("every user's jobs (on a shared machine the default is your own)"),
        project: z.string().optional().describe("one project's jobs"),
      },
      annotations: { title: 'Job statistics', ...READ_ONLY },
    },
    guarded(async (input: { since?: string; user?: string; allUsers?: boolean; project?: string }) => text(json(await new Client().request<StatsResponse>('GET', statsPath(input))))),
  );
}
