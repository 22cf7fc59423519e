// `gflow send <job> TEXT [--enter]` and `gflow limit <array> N|none`.
import { ROUTES } from '../../protocol/api.js';
import { Client } from '../../client/client.js';
import { eachJob, usage } from '../fail.js';
import { resolveJobId, resolveJobIds } from '../../client/job-ref.js';

export async function sendCommand(ref: string, text: string[], f: { enter?: boolean }): Promise<void> {
  const joined = text.join(' ');
  if (joined === '' && !f.enter) throw usage('nothing to send', 'give text, or --enter');
  const client = new Client();
  const id = await resolveJobId(client, ref);
  await client.request('POST', ROUTES.jobAction(id, 'send'), { text: joined, enter: f.enter === true });
  process.stdout.write(`Sent ${joined.length} character(s)${f.enter ? ' and Enter' : ''} to job ${id}\n`);
}

export async function requeueCommand(ref: string): Promise<void> {
  const client = new Client();
  await eachJob(await resolveJobIds(client, ref), async (id) => {
    await client.request('POST', ROUTES.jobAction(id, 'requeue'), { env: { ...process.env } });
    process.stdout.write(`Requeued job ${id}\n`);
  });
}

export async function limitCommand(ref: string, n: string): Promise<void> {
  const max = n === 'none' ? null : Number(n);
  if (max !== null && !(/^\d+$/.test(n) && max >= 1 && max <= 100_000)) throw usage(`invalid limit '${n}'`, 'give a number of tasks from 1 to 100000, or none');
  const client = new Client();
  const id = await resolveJobId(client, ref);
  const r = await client.request<{ jobs: number }>('POST', ROUTES.jobAction(id, 'limit'), { max });
  process.stdout.write(`Array of job ${id} (${r.jobs} jobs): ${max === null ? 'no cap' : `at most ${max} at once`}\n`);
}
