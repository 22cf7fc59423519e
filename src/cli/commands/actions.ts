// `gflow cancel | hold | release <ids>`: one request per job; every job is reported and the
// exit code is 1 if any of them failed (the rule is eachJob's, in src/cli/fail.ts).
import { ROUTES, type JobResponse } from '../../protocol/api.js';
import type { Job } from '../../protocol/job.js';
import { localTime } from '../../config/local-time.js';
import { Client } from '../client.js';
import { eachJob } from '../fail.js';
import { resolveJobIds } from '../job-ref.js';

const DONE: Record<'cancel' | 'hold' | 'release', string> = { cancel: 'Cancelled', hold: 'Held', release: 'Released' };

export function actionCommand(action: 'cancel' | 'hold' | 'release') {
  return async (ref: string, flags: { json?: boolean; at?: string }): Promise<void> => {
    const body = flags.at !== undefined ? { at: (await import('../../core/begin-time.js')).parseBeginTime(flags.at, new Date()) } : undefined;
    const client = new Client();
    const jobs: Job[] = [];
    await eachJob(await resolveJobIds(client, ref), async (id) => {
      const { job } = await client.request<JobResponse>('POST', ROUTES.jobAction(id, action), body);
      jobs.push(job);
      if (flags.json) return;
      const stopping = action === 'cancel' && job.state === 'running';
      const when = job.beginAt && body ? ` (starts no earlier than ${localTime(job.beginAt)})` : '';
      process.stdout.write(stopping ? `Cancelling job ${id} (SIGTERM sent; SIGKILL follows after the grace period)\n` : `${DONE[action]} job ${id}${when}\n`);
    });
    if (flags.json) process.stdout.write(`${JSON.stringify(jobs, null, 2)}\n`);
  };
}
