// `gflow cancel | hold | release <ids>`: one request per job; every job is reported and the
// exit code is 1 if any of them failed.
import { ROUTES, type JobResponse } from '../../protocol/api.js';
import { GflowError, toGflowError } from '../../protocol/errors.js';
import type { Job } from '../../protocol/job.js';
import { Client } from '../client.js';
import { resolveJobIds } from '../job-ref.js';

const DONE: Record<'cancel' | 'hold' | 'release', string> = { cancel: 'Cancelled', hold: 'Held', release: 'Released' };

export function actionCommand(action: 'cancel' | 'hold' | 'release') {
  return async (ref: string, flags: { json?: boolean }): Promise<void> => {
    const client = new Client();
    const ids = await resolveJobIds(client, ref);
    const jobs: Job[] = [];
    let failed: GflowError | undefined;
    for (const id of ids) {
      try {
        const { job } = await client.request<JobResponse>('POST', ROUTES.jobAction(id, action));
        jobs.push(job);
        if (!flags.json) {
          const stopping = action === 'cancel' && job.state === 'running';
          process.stdout.write(stopping ? `Cancelling job ${id} (SIGTERM sent; SIGKILL follows after the grace period)\n` : `${DONE[action]} job ${id}\n`);
        }
      } catch (err) {
        const e = toGflowError(err);
        if (e.code === 'daemon_not_running' || e.code === 'unauthorized') throw e;
        failed = e;
        process.stderr.write(`gflow: ${e.message}${e.hint ? `\n  hint: ${e.hint}` : ''}\n`);
      }
    }
    if (flags.json) process.stdout.write(`${JSON.stringify(jobs, null, 2)}\n`);
    if (failed) process.exitCode = 1;
  };
}
