// `gflow submit`: a command after --, a script file (with `# GFLOW` directives), or `-`;
// one job, or an array / sweep submitted as one request. The request is built by the client
// (client/submission.ts) from the flags given on the command line.
import fs from 'node:fs';
import type { Command } from 'commander';
import { ROUTES, type DryRunResponse, type JobResponse, type JobsResponse } from '../../protocol/api.js';
import type { BatchRequest } from '../../protocol/job.js';
import { Client } from '../../client/client.js';
import { buildSubmission } from '../../client/submission.js';
import type { SubmitFlags } from '../../client/submit-options.js';
import { usage } from '../fail.js';

/** `ownCommand`: which gflow or gflowd command a word names (gflow.ts), for a hint when one was submitted by mistake. */
export async function submitCommand(args: string[], cliFlags: SubmitFlags, cmd: Command, ownCommand: (word: string) => Promise<string | undefined>): Promise<void> {
  const client = new Client();
  // Only the flags typed count: a script's directives fill in the others.
  const given = Object.fromEntries(Object.entries(cliFlags).filter(([k]) => cmd.getOptionValueSource(k) === 'cli')) as SubmitFlags;
  const { base, tasks, flags, directives } = await buildSubmission(client, args, given, { cwd: process.cwd(), stdin: readStdin, ownCommand });
  if (flags.dryRun) {
    const answer = await client.request<DryRunResponse>('POST', ROUTES.dryRun, tasks ? { base, tasks } : base);
    const { dryRunText } = await import('../../client/dry-run-text.js');
    process.stdout.write(flags.json ? `${JSON.stringify(answer, null, 2)}\n` : dryRunText(base, answer, directives));
    return;
  }
  if (!tasks) {
    const { job } = await client.request<JobResponse>('POST', ROUTES.jobs, base);
    process.stdout.write(flags.json ? `${JSON.stringify(job, null, 2)}\n` : `Submitted job ${job.id}${job.state === 'hold' ? ' (on hold)' : ''}\n`);
    return;
  }
  const batch: BatchRequest = { base, tasks };
  const { jobs } = await client.request<JobsResponse>('POST', ROUTES.batch, batch);
  process.stdout.write(flags.json ? `${JSON.stringify(jobs, null, 2)}\n` : `Submitted jobs ${jobs[0]!.id}-${jobs.at(-1)!.id} (${jobs.length} tasks)\n`);
}

function readStdin(): string {
  return readStdinText('-');
}

function readStdinText(what: string): string {
  if (process.stdin.isTTY) throw usage(`\`gflow submit ${what}\` reads from stdin, but stdin is a terminal`, `pipe it in: gflow submit ${what} < ${what === '-' ? 'job.sh' : 'jobs.txt'}`);
  return fs.readFileSync(0, 'utf8');
}
