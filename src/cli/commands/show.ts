// `gflow show <id|@>`: everything about one job.
import { ROUTES, type JobResponse } from '../../protocol/api.js';
import { Client } from '../client.js';
import { resolveJobId } from '../job-ref.js';
import { jobDetails } from '../render.js';

export async function showCommand(ref: string, flags: { json?: boolean }): Promise<void> {
  const client = new Client();
  const { job } = await client.request<JobResponse>('GET', ROUTES.job(await resolveJobId(client, ref)));
  process.stdout.write(flags.json ? `${JSON.stringify(job, null, 2)}\n` : jobDetails(job));
}
