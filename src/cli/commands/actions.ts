// `gflow cancel | hold | release <ids>`: one request for all the jobs (ranges, `@` for a whole
// array), acted on in one transaction; every job is reported and the exit code is 1 if any of
// them could not be (the rule is eachJob's, in src/cli/fail.ts). Asked of several jobs, the
// ones the action does not apply to (an array's tasks that ended already) are skipped and
// counted in one line, as `scancel` of an array does, instead of an error for each.
import { ROUTES, type JobActionsResponse } from '../../protocol/api.js';
import { GflowError } from '../../protocol/errors.js';
import type { Job } from '../../protocol/job.js';
import { localTime } from '../../config/local-time.js';
import { Client } from '../../client/client.js';
import { eachJob } from '../fail.js';
import { resolveJobIds } from '../../client/job-ref.js';

const DONE: Record<'cancel' | 'hold' | 'release', string> = { cancel: 'Cancelled', hold: 'Held', release: 'Released' };

export function actionCommand(action: 'cancel' | 'hold' | 'release') {
  return async (ref: string, flags: { json?: boolean; at?: string }): Promise<void> => {
    const at = flags.at !== undefined ? (await import('../../core/begin-time.js')).parseBeginTime(flags.at, new Date()) : undefined;
    const client = new Client();
    const ids = await resolveJobIds(client, ref);
    const { results } = await client.request<JobActionsResponse>('POST', ROUTES.jobActions, { action, ids, ...(at !== undefined ? { at } : {}) });
    const byId = new Map(results.map((r) => [r.id, r]));
    const jobs: Job[] = [];
    const lines: string[] = [];
    const skipped: string[] = [];
    await eachJob(ids, async (id) => {
      const r = byId.get(id)!;
      if ('error' in r && r.error.code === 'conflict' && ids.length > 1) return void skipped.push(r.error.message);
      if ('error' in r) throw new GflowError(r.error.code as GflowError['code'], r.error.message, r.error.hint);
      const job = r.job;
      jobs.push(job);
      if (flags.json) return;
      const stopping = action === 'cancel' && job.state === 'running';
      const when = job.beginAt && at !== undefined ? ` (starts no earlier than ${localTime(job.beginAt)})` : '';
      lines.push(stopping ? `Cancelling job ${id} (SIGTERM sent; SIGKILL follows after the grace period)\n` : `${DONE[action]} job ${id}${when}\n`);
      if (lines.length >= 1000) process.stdout.write(lines.splice(0).join(''));
    });
    if (skipped.length && !flags.json) lines.push(`Skipped ${skipped.length} job${skipped.length === 1 ? '' : 's'} it does not apply to (${skipped[0]}${skipped.length > 1 ? ', …' : ''})\n`);
    process.stdout.write(flags.json ? `${JSON.stringify(jobs, null, 2)}\n` : lines.join(''));
  };
}
