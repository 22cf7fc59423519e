// submit_job and preview_job: a job built exactly as `gflow submit` builds it (the same option
// definitions, directives, checks and request, in client/submission.ts), from the tool's
// command, script or script text, its typed options and its working directory.
import fs from 'node:fs';
import path from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { Client } from '../../client/client.js';
import { dryRunText } from '../../client/dry-run-text.js';
import { buildSubmission, type SubmitPlace } from '../../client/submission.js';
import { isNegated, optionKey, SUBMIT_OPTIONS, submitFlagsFrom, takesValue } from '../../client/submit-options.js';
import { usage } from '../../protocol/errors.js';
import { ROUTES, type DryRunResponse, type JobResponse, type JobsResponse } from '../../protocol/api.js';
import { guarded, json, text } from '../result.js';

// Said by the tools themselves: the output format, and the dry run (its own tool).
const LEAVE_OUT = ['json', 'dryRun'];

/** The input schema's fields for gflow submit's options, described as its --help does. */
function optionShape(): Record<string, z.ZodType> {
  const shape: Record<string, z.ZodType> = {};
  for (const o of SUBMIT_OPTIONS.filter((o) => !LEAVE_OUT.includes(optionKey(o)))) {
    const about = `${o.about} (\`submit ${o.flags}\`)`;
    if (isNegated(o)) shape[optionKey(o)] = z.boolean().optional().describe(`false: ${about}`);
    else if (!takesValue(o)) shape[optionKey(o)] = z.boolean().optional().describe(about);
    else if (o.repeat) shape[optionKey(o)] = z.array(z.string()).optional().describe(`${about}; a list, one item per use of the flag`);
    else shape[optionKey(o)] = z.union([z.string(), z.number()]).optional().describe(about);
  }
  return shape;
}

const inputSchema = {
  command: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .describe("what to run: a list of words (program and arguments), or one string of shell code such as 'python train.py --lr 0.1 && echo done'"),
  script: z.string().optional().describe('or: a job script file (its # GFLOW lines are options), relative to cwd'),
  scriptText: z.string().optional().describe('or: the text of a job script (bash, with # GFLOW lines as options)'),
  cwd: z.string().optional().describe("the directory the job runs in and relative paths are taken from (default: the MCP server's working directory)"),
  ...optionShape(),
};
type Input = { command?: string | string[]; script?: string; scriptText?: string; cwd?: string } & Record<string, unknown>;

async function build(client: Client, a: Input, ownCommand: SubmitPlace['ownCommand']) {
  const given = [a.command, a.script, a.scriptText].filter((x) => x !== undefined).length;
  if (given !== 1) throw usage('give one of command, script and scriptText', "e.g. command: ['python', 'train.py'] or scriptText: '#!/bin/bash\\n# GFLOW --gpus 1\\npython train.py'");
  const cwd = path.resolve(a.cwd ?? process.cwd());
  if (!fs.statSync(cwd, { throwIfNoEntry: false })?.isDirectory()) throw usage(`cwd '${a.cwd}' is not a directory`, 'give an existing directory (absolute)');
  let args: string[];
  if (a.script !== undefined) {
    if (!fs.statSync(path.resolve(cwd, a.script), { throwIfNoEntry: false })?.isFile()) throw usage(`script '${a.script}' is not a file in ${cwd}`, 'give the path of a job script, or use command');
    args = [a.script];
  } else if (a.scriptText !== undefined) {
    args = ['-'];
  } else {
    args = typeof a.command === 'string' ? [a.command] : a.command!;
    if (args.length === 0 || args[0] === '') throw usage('the command is empty');
  }
  const options = Object.fromEntries(Object.entries(a).filter(([k]) => !LEAVE_OUT.includes(k)));
  return buildSubmission(client, args, submitFlagsFrom(options), { cwd, stdin: () => a.scriptText ?? '', ownCommand });
}

export function registerSubmitTools(server: McpServer, ownCommand?: SubmitPlace['ownCommand']): void {
  server.registerTool(
    'submit_job',
    {
      title: 'Submit a job',
      description:
        'Queue a job, as `gflow submit`: a command, a script file or script text, with the CLI\'s options (gpus, time, name, dependsOn, array, param, hold, …). Returns the new job id(s); an array or sweep is one submission (@ refers to it). The job runs as you, with the MCP server\'s environment, in its own tmux session. Use preview_job first to see whether it could start now.',
      inputSchema,
      annotations: { title: 'Submit a job', readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    guarded(async (a: Input) => {
      const client = new Client();
      const { base, tasks } = await build(client, a, ownCommand);
      if (!tasks) {
        const { job } = await client.request<JobResponse>('POST', ROUTES.jobs, base);
        return text(`Submitted job ${job.id}${job.state === 'hold' ? ' (on hold)' : ''}`, json({ id: job.id, name: job.name, state: job.state, logPath: job.logPath }));
      }
      const { jobs } = await client.request<JobsResponse>('POST', ROUTES.batch, { base, tasks });
      return text(`Submitted jobs ${jobs[0]!.id}-${jobs.at(-1)!.id} (${jobs.length} tasks)`, json(jobs.map((j) => ({ id: j.id, name: j.name, state: j.state }))));
    }),
  );

  server.registerTool(
    'preview_job',
    {
      title: 'Preview a submission',
      description: "Dry run of submit_job with the same inputs, as `gflow submit --dry-run`: the job(s) as they would be queued and whether each could start now or what it would wait for. Submits nothing.",
      inputSchema,
      annotations: { title: 'Preview a submission', readOnlyHint: true, openWorldHint: false },
    },
    guarded(async (a: Input) => {
      const client = new Client();
      const { base, tasks, directives } = await build(client, a, ownCommand);
      const answer = await client.request<DryRunResponse>('POST', ROUTES.dryRun, tasks ? { base, tasks } : base);
      return text(dryRunText(base, answer, directives), json(answer));
    }),
  );
}
