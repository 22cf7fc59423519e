// `gflow share`: fair-share usage per user (as Slurm's sshare), lowest first.
import { ROUTES, type UsageResponse } from '../../protocol/api.js';
import { Client } from '../../client/client.js';
import { table } from '../table.js';

export async function shareCommand(f: { json?: boolean }): Promise<void> {
  const answer = await new Client().request<UsageResponse>('GET', ROUTES.usage);
  if (f.json) {
    process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
    return;
  }
  const rows = answer.users.map((u) => [u.user, u.usage.toFixed(2), u.cpuHours.toFixed(2), u.gpuHours.toFixed(2), String(u.running), String(u.queued), String(u.jobs)]);
  process.stdout.write(table(['USER', 'USAGE', 'CPU-HOURS', 'GPU-HOURS', 'RUNNING', 'QUEUED', 'ENDED'], rows));
  process.stdout.write(`usage = CPU-hours + ${answer.gpuWeight} × GPU-hours, halved every ${answer.halfLifeHours} h; among jobs of equal priority, lower usage goes first\n`);
}
