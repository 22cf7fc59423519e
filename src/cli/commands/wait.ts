// `gflow wait <ids|@> [--timeout D]`: returns when the jobs have ended; exit 0 when all
// finished, 1 when one did not (a failure, a cancel, its time limit), 124 when --timeout came
// first: a script tells a job that failed from a wait that gave up.
//
// It polls the job list at a modest interval: the daemon has no event stream yet (it comes
// with a later issue); one GET per second for any number of jobs costs the daemon little.
import { setTimeout as sleep } from 'node:timers/promises';
import { parseSpan } from '../../core/span.js';
import { GflowError } from '../../protocol/errors.js';
import { ROUTES, type JobsResponse } from '../../protocol/api.js';
import { ACTIVE_STATES, type Job } from '../../protocol/job.js';
import { Client } from '../../client/client.js';
import { usage } from '../fail.js';
import { resolveJobIds } from '../../client/job-ref.js';
import { countJobs, endLine, progressLine } from '../wait-progress.js';
import { EXIT_FAILED, EXIT_TIMEOUT } from '../exit-codes.js';

const POLL_MS = 1000;

export async function waitCommand(refs: string[], f: { timeout?: string; quiet?: boolean }): Promise<void> {
  const client = new Client();
  const limitMs = f.timeout === undefined ? Infinity : parseSpan(f.timeout) * 1000;
  const ids: number[] = [];
  for (const r of refs) for (const id of await resolveJobIds(client, r)) if (!ids.includes(id)) ids.push(id);
  if (ids.length === 0) throw usage('no job to wait for', 'give job ids, @ or @~N');
  const started = Date.now();
  const reported = new Set<number>();
  const bar = process.stderr.isTTY === true && ids.length > 1 && !f.quiet;
  let jobs: Job[] = [];
  for (;;) {
    jobs = await fetchJobs(client, ids);
    const missing = ids.find((id) => !jobs.some((j) => j.id === id));
    if (missing !== undefined) throw new GflowError('not_found', `job ${missing} does not exist`, 'see `gflow queue -a` for the jobs gflow knows');
    if (bar) process.stderr.write('\r\x1b[K');
    for (const j of jobs) {
      if (ACTIVE_STATES.includes(j.state) || reported.has(j.id)) continue;
      reported.add(j.id);
      if (!f.quiet) process.stdout.write(`${endLine(j)}\n`);
    }
    if (reported.size === ids.length) break;
    const elapsed = Date.now() - started;
    if (bar) process.stderr.write(progressLine(countJobs(jobs), elapsed / 1000));
    if (elapsed >= limitMs) {
      if (bar) process.stderr.write('\n');
      process.stderr.write(`gflow: --timeout ${f.timeout} reached; ${ids.length - reported.size} job(s) still active\n`);
      process.exitCode = EXIT_TIMEOUT;
      return;
    }
    await sleep(Math.min(POLL_MS, Math.max(10, limitMs - elapsed)));
  }
  const bad = jobs.filter((j) => j.state !== 'finished');
  if (bar) process.stderr.write(`${progressLine(countJobs(jobs), (Date.now() - started) / 1000)}\n`);
  if (bad.length) process.exitCode = EXIT_FAILED;
}

async function fetchJobs(client: Client, ids: number[]): Promise<Job[]> {
  const out: Job[] = [];
  // Query strings stay short: a thousand ids per request.
  for (let i = 0; i < ids.length; i += 1000) {
    const q = new URLSearchParams({ ids: ids.slice(i, i + 1000).join(','), all: '1' });
    out.push(...(await client.request<JobsResponse>('GET', `${ROUTES.jobs}?${q}`)).jobs);
  }
  return out;
}
