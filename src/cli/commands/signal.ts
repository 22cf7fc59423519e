// `gflow signal <jobs> <SIGNAL>`: a signal to every process of running jobs.
import { parseSignal } from '../../core/signals.js';
import { ROUTES, type SignalResponse } from '../../protocol/api.js';
import { Client } from '../../client/client.js';
import { eachJob } from '../fail.js';
import { resolveJobIds } from '../../client/job-ref.js';

export async function signalCommand(ref: string, sigText: string): Promise<void> {
  const sig = parseSignal(sigText);
  const client = new Client();
  await eachJob(await resolveJobIds(client, ref), async (id) => {
    const r = await client.request<SignalResponse>('POST', ROUTES.jobAction(id, 'signal'), { signal: sig });
    process.stdout.write(`Sent ${r.signal} to job ${id} (${r.processes} process${r.processes === 1 ? '' : 'es'})\n`);
  });
}
