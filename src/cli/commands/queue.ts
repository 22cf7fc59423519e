// `gflow queue`: a Slurm-like table of jobs.
import { parseIdList } from '../../core/id-list.js';
import { ROUTES, type JobsResponse } from '../../protocol/api.js';
import { parseJobState } from '../../protocol/job.js';
import { Client } from '../client.js';
import { ChangeWatch } from '../change-watch.js';
import { usage } from '../fail.js';
import { currentUser } from '../job-ref.js';
import { dependencyTree, queueTable } from '../render.js';

interface QueueFlags {
  all?: boolean;
  states?: string;
  jobs?: string;
  limit?: number;
  watch?: boolean;
  json?: boolean;
  tree?: boolean;
  user?: string;
  me?: boolean;
  allUsers?: boolean;
}

/** The job-list request's query for these filters, checked as `gflow queue` checks them (the MCP server's list tool uses it too). */
export function jobsQuery(flags: Pick<QueueFlags, 'all' | 'states' | 'jobs' | 'limit' | 'user' | 'me' | 'allUsers'>): URLSearchParams {
  const q = new URLSearchParams();
  if (flags.all) q.set('all', '1');
  if (flags.states) {
    const states = flags.states.split(',').map((s) => {
      const st = parseJobState(s);
      if (!st) throw usage(`unknown state '${s}'`, 'use PD, H, R, CD, F, CA, TO or queued, hold, running, finished, failed, cancelled, timeout');
      return st;
    });
    q.set('states', states.join(','));
  }
  if (flags.jobs) q.set('ids', parseIdList(flags.jobs).join(','));
  if (flags.limit !== undefined) q.set('limit', String(flags.limit));
  // As Slurm's squeue: every user's jobs unless -u (or --me) narrows them.
  if ([flags.user !== undefined, flags.me, flags.allUsers].filter(Boolean).length > 1) throw usage('give one of -u, --me and --all-users');
  const user = flags.me ? currentUser() : flags.user;
  if (user !== undefined) q.set('user', user);
  return q;
}

export async function queueCommand(flags: QueueFlags): Promise<void> {
  const q = jobsQuery(flags);
  const client = new Client();
  const path = `${ROUTES.jobs}${q.size ? `?${q}` : ''}`;
  if (flags.watch && flags.json) throw usage('--watch and --json do not go together');
  const changes = flags.watch ? new ChangeWatch(client) : null;
  do {
    const { jobs } = await client.request<JobsResponse>('GET', path);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(jobs, null, 2)}\n`);
      return;
    }
    const table = flags.tree ? dependencyTree(jobs) : queueTable(jobs);
    process.stdout.write(flags.watch ? `\x1b[H\x1b[2J${new Date().toLocaleTimeString()}  gflow queue (Ctrl-C to stop)\n\n${table}` : table);
    await changes?.next();
  } while (changes);
}
