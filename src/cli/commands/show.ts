// `gflow show <job>...`: everything about jobs (ids, lists like 3,5-9, @ or @~N for the newest
// job of a submission). A job that cannot be shown is reported and the others still are.
import { parseIdList, parseJobRef } from '../../core/id-list.js';
import { ROUTES, type JobResponse } from '../../protocol/api.js';
import type { Job } from '../../protocol/job.js';
import { Client } from '../../client/client.js';
import { eachJob } from '../fail.js';
import { resolveJobId } from '../../client/job-ref.js';
import { jobDetails } from '../render.js';

export async function showCommand(refs: string[], flags: { json?: boolean }): Promise<void> {
  // Every argument is read before anything is asked, so a typo changes nothing and says so.
  const parts = refs.map((r) => (parseJobRef(r) ? r : parseIdList(r)));
  const client = new Client();
  const ids: number[] = [];
  for (const p of parts) ids.push(...(typeof p === 'string' ? [await resolveJobId(client, p)] : p));
  const jobs: Job[] = [];
  await eachJob([...new Set(ids)], async (id) => {
    const { job } = await client.request<JobResponse>('GET', ROUTES.job(id));
    if (!flags.json) process.stdout.write(`${jobs.length ? '\n' : ''}${jobDetails(job)}`);
    jobs.push(job);
  });
  // One job asked for by one argument prints as an object, as it always has; several, a list.
  if (flags.json) process.stdout.write(`${JSON.stringify(refs.length === 1 && ids.length === 1 ? (jobs[0] ?? null) : jobs, null, 2)}\n`);
}
