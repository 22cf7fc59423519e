// `gflow update`, `gflow redo`, `gflow why`: changing and explaining jobs.
import { ROUTES, type JobResponse, type JobsResponse, type WhyResponse } from '../../protocol/api.js';
import { Client } from '../../client/client.js';
import { updateRequest, type UpdateFlags } from '../../client/update-request.js';
import { eachJob } from '../fail.js';
import { resolveJobId, resolveJobIds } from '../../client/job-ref.js';

export async function updateCommand(ref: string, f: UpdateFlags): Promise<void> {
  const client = new Client();
  const req = await updateRequest(client, f);
  await eachJob(await resolveJobIds(client, ref), async (id) => {
    await client.request<JobResponse>('POST', ROUTES.jobAction(id, 'update'), req);
    process.stdout.write(`Updated job ${id}\n`);
  });
}

export async function redoCommand(ref: string, f: { cascade?: boolean; json?: boolean }): Promise<void> {
  const client = new Client();
  const id = await resolveJobId(client, ref);
  const { jobs } = await client.request<JobsResponse>('POST', ROUTES.jobAction(id, 'redo'), { cascade: f.cascade === true, env: { ...process.env } });
  if (f.json) process.stdout.write(`${JSON.stringify(jobs, null, 2)}\n`);
  else for (const j of jobs) process.stdout.write(`Submitted job ${j.id} (redo of ${j.redoneFrom})\n`);
}

export async function whyCommand(ref: string, f: { json?: boolean }): Promise<void> {
  const client = new Client();
  const id = await resolveJobId(client, ref);
  const answer = await client.request<WhyResponse>('GET', ROUTES.jobAction(id, 'why'));
  process.stdout.write(f.json ? `${JSON.stringify(answer, null, 2)}\n` : `${(await import('../../client/why-text.js')).whyLines(answer).join('\n')}\n`);
}
