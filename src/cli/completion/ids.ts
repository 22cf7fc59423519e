// `gflow __complete ids <command>` (hidden): the caller's job ids that the command can act on,
// newest first, one per line as `id<TAB>name (state)`, for the completion scripts. It runs at
// each <TAB>: nothing listening is known at once from the kernel's socket table, a daemon
// that does not answer is given a short time, and every failure prints nothing and exits 0.
import { ROUTES, type JobsResponse } from '../../protocol/api.js';
import { ACTIVE_STATES, ENDED_STATES, type Job, type JobState } from '../../protocol/job.js';
import { DEFAULT_HOST } from '../../protocol/version.js';
import { listenerUid } from '../../identity/peer-uid.js';
import { Client } from '../../client/client.js';
import { currentUser } from '../../client/job-ref.js';

// The states a command acts on (the daemon refuses the others); `all`: any job.
const STATES: Record<string, readonly JobState[] | 'all'> = {
  hold: ['queued'],
  release: ['hold'],
  update: ['queued', 'hold'],
  why: ['queued', 'hold'],
  signal: ['running'],
  send: ['running'],
  attach: ['running'],
  redo: ENDED_STATES,
  requeue: ['failed', 'timeout'],
  close: ENDED_STATES,
  show: 'all',
  log: 'all',
};
const OFFERED = 100;
const TIMEOUT_MS = 1500;

export async function completeIds(command: string[]): Promise<void> {
  try {
    const client = new Client({ timeoutMs: TIMEOUT_MS });
    if (listenerUid(DEFAULT_HOST, client.port) === undefined) return;
    const states = STATES[command[0] ?? ''] ?? ACTIVE_STATES;
    const q = new URLSearchParams({ limit: String(OFFERED) });
    if (states === 'all') q.set('all', '1');
    else q.set('states', states.join(','));
    // Root may act on every job; anyone else on their own.
    if (process.getuid?.() !== 0) q.set('user', currentUser());
    const { jobs } = await client.request<JobsResponse>('GET', `${ROUTES.jobs}?${q}`);
    const what = (j: Job): string => (j.name ?? j.command?.join(' ') ?? j.scriptPath ?? j.script ?? '').replace(/\s+/g, ' ').slice(0, 40);
    const lines = jobs.sort((a, b) => b.id - a.id).map((j) => `${j.id}\t${what(j)} (${j.state})`);
    if (lines.length) process.stdout.write(`${lines.join('\n')}\n`);
  } catch {
    // no daemon, not ours, too slow: nothing to offer
  }
}
