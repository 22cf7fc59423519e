// Tools that change existing jobs: cancel, hold, release, update, redo. Each acts as you
// (the daemon refuses other users' jobs) and reports every job, as the CLI does.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { Client } from '../../client/client.js';
import { resolveJobId, resolveJobIds } from '../../client/job-ref.js';
import { fieldLabel, UPDATE_FIELDS, updateRequest, type UpdateFlags } from '../../client/update-request.js';
import { wholeNumber } from '../../core/whole-number.js';
import { parseBeginTime } from '../../core/begin-time.js';
import { ROUTES, type JobResponse, type JobsResponse } from '../../protocol/api.js';
import { usage } from '../../protocol/errors.js';
import { eachJobResult, guarded, json, text } from '../result.js';
import { JOB_REF } from './read.js';

const JOBS = z.string().describe('job ids like 1,3,5-9, or @ / @~N: every job of your last / N-th last submission');
const LOCAL = { openWorldHint: false } as const;

// update_jobs takes gflow update's fields (src/client/update-request.ts), each a string or a number.
const UPDATE_SHAPE = Object.fromEntries(
  UPDATE_FIELDS.map((f) => [f.key, z.union([z.string(), z.number()]).optional().describe(`${f.about} (\`update ${f.flags}\`)`)]),
);

/** The tool's values as typed update flags, counts checked as the CLI checks them. */
function updateFlags(values: Record<string, unknown>): UpdateFlags {
  const flags: Record<string, string | number> = {};
  for (const f of UPDATE_FIELDS) {
    const v = values[f.key];
    if (v === undefined || v === null) continue;
    const text = String(v);
    if (f.min === undefined) flags[f.key] = text;
    else {
      const n = wholeNumber(text, fieldLabel(f), f.min);
      if (typeof n === 'string') throw usage(`option '${f.flags}' argument '${text}' is invalid. ${n}`);
      flags[f.key] = n;
    }
  }
  return flags as UpdateFlags;
}

export function registerActionTools(server: McpServer): void {
  const simple = [
    ['cancel_jobs', 'Cancel jobs', 'cancel', 'as `gflow cancel`: queued jobs never start; running ones get SIGTERM, then SIGKILL after the grace period. Cannot be undone (redo_job submits an ended job again).', { destructiveHint: true, idempotentHint: true }],
    ['hold_jobs', 'Hold jobs', 'hold', 'as `gflow hold`: keep queued jobs from starting until released.', { destructiveHint: false, idempotentHint: true }],
  ] as const;
  for (const [name, title, action, what, hints] of simple) {
    server.registerTool(
      name,
      { title, description: `${title}, ${what}`, inputSchema: { jobs: JOBS }, annotations: { title, readOnlyHint: false, ...hints, ...LOCAL } },
      guarded(async (a) => {
        const client = new Client();
        return eachJobResult(await resolveJobIds(client, a.jobs), async (id) => {
          const { job } = await client.request<JobResponse>('POST', ROUTES.jobAction(id, action), undefined);
          return `job ${id}: ${job.state}${action === 'cancel' && job.state === 'running' ? ' (SIGTERM sent; it ends shortly)' : ''}`;
        });
      }),
    );
  }

  server.registerTool(
    'release_jobs',
    {
      title: 'Release held jobs',
      description: 'Let held jobs start again, as `gflow release` (optionally no earlier than a time).',
      inputSchema: { jobs: JOBS, at: z.string().optional().describe('start no earlier than this: HH:MM, 2026-12-01T08:00, now+30m') },
      annotations: { title: 'Release held jobs', readOnlyHint: false, destructiveHint: false, idempotentHint: true, ...LOCAL },
    },
    guarded(async (a) => {
      const client = new Client();
      const body = a.at !== undefined ? { at: parseBeginTime(a.at, new Date()) } : undefined;
      return eachJobResult(await resolveJobIds(client, a.jobs), async (id) => {
        const { job } = await client.request<JobResponse>('POST', ROUTES.jobAction(id, 'release'), body);
        return `job ${id}: ${job.state}${job.beginAt && body ? ` (starts no earlier than ${job.beginAt})` : ''}`;
      });
    }),
  );

  server.registerTool(
    'update_jobs',
    {
      title: 'Update waiting jobs',
      description: 'Change queued or held jobs, as `gflow update`: name, priority, CPUs, GPUs, time limit, dependencies, begin time, retries ("none" clears time, dependencies and begin).',
      inputSchema: { jobs: JOBS, ...UPDATE_SHAPE },
      annotations: { title: 'Update waiting jobs', readOnlyHint: false, destructiveHint: true, idempotentHint: true, ...LOCAL },
    },
    guarded(async (a: { jobs: string } & Record<string, unknown>) => {
      const client = new Client();
      const req = await updateRequest(client, updateFlags(a));
      return eachJobResult(await resolveJobIds(client, a.jobs), async (id) => {
        const { job } = await client.request<JobResponse>('POST', ROUTES.jobAction(id, 'update'), req);
        return `job ${id}: updated (${job.state})`;
      });
    }),
  );

  server.registerTool(
    'redo_job',
    {
      title: 'Redo an ended job',
      description: "Submit an ended job again as a new job, as `gflow redo` (with the MCP server's environment).",
      inputSchema: { job: JOB_REF, cascade: z.boolean().optional().describe('also redo the jobs cancelled because this one failed, waiting on the new one') },
      annotations: { title: 'Redo an ended job', readOnlyHint: false, destructiveHint: false, idempotentHint: false, ...LOCAL },
    },
    guarded(async (a) => {
      const client = new Client();
      const id = await resolveJobId(client, a.job);
      const { jobs } = await client.request<JobsResponse>('POST', ROUTES.jobAction(id, 'redo'), { cascade: a.cascade === true, env: { ...process.env } });
      return text(jobs.map((j) => `Submitted job ${j.id} (redo of ${j.redoneFrom})`).join('\n'), json(jobs.map((j) => ({ id: j.id, name: j.name, state: j.state }))));
    }),
  );
}
