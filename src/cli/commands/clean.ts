// `gflow clean [--older-than 30d] [-s CD,F,CA,TO] [--dry-run]`.
import { parseSpan } from '../../core/span.js';
import { ROUTES, type CleanResponse } from '../../protocol/api.js';
import { ENDED_STATES, parseJobState } from '../../protocol/job.js';
import { Client } from '../../client/client.js';
import { usage } from '../fail.js';

export async function cleanCommand(f: { olderThan?: string; states?: string; state?: string; dryRun?: boolean }): Promise<void> {
  const olderThanSec = f.olderThan === undefined ? 0 : parseSpan(f.olderThan);
  const states = (f.states ?? f.state)?.split(',').map((s) => {
    const st = parseJobState(s);
    if (!st || !ENDED_STATES.includes(st)) throw usage(`'${s}' is not an ended state`, 'use CD, F, CA, TO (finished, failed, cancelled, timeout)');
    return st;
  });
  // Removing a million jobs takes a while: wait for the answer.
  const r = await new Client({ timeoutMs: 15 * 60_000 }).request<CleanResponse>('POST', ROUTES.clean, { olderThanSec, states, dryRun: f.dryRun === true });
  const list = (ids: number[]): string => (ids.length > 20 ? `${ids.slice(0, 20).join(', ')}, …` : ids.join(', '));
  if (r.removed.length === 0) process.stdout.write('No ended jobs to remove\n');
  else process.stdout.write(`${r.dryRun ? 'Would remove' : 'Removed'} ${r.removed.length} job(s) and their files: ${list(r.removed)}\n`);
  if (r.kept.length) process.stdout.write(`Kept ${r.kept.length} that waiting or running jobs depend on: ${list(r.kept)}\n`);
}
