// The queries of the job list and of the statistics, built from their filters and checked
// once, for every client (the CLI's queue and stats commands, the MCP server's tools).
import { parseIdList } from '../core/id-list.js';
import { parseSince } from '../core/since.js';
import { ROUTES } from '../protocol/api.js';
import { usage } from '../protocol/errors.js';
import { parseJobState } from '../protocol/job.js';
import { currentUser } from './job-ref.js';

export interface JobsFilter {
  all?: boolean;
  states?: string;
  jobs?: string;
  limit?: number;
  user?: string;
  me?: boolean;
  allUsers?: boolean;
}

export interface StatsFilter {
  since?: string;
  user?: string;
  allUsers?: boolean;
  project?: string;
}

/** The job-list request's query for these filters, checked as `gflow queue` checks them (the CLI's queue and the MCP server's list tool). */
export function jobsQuery(flags: JobsFilter): URLSearchParams {
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

/** The stats request's path for these filters, checked as `gflow stats` checks them (the CLI's stats and the MCP server's stats tool). */
export function statsPath(flags: StatsFilter): string {
  if (flags.user !== undefined && flags.allUsers) throw usage('give -u or --all-users, not both');
  const q = new URLSearchParams();
  if (flags.since !== undefined) q.set('since', String(parseSince(flags.since, new Date())));
  if (flags.user !== undefined) q.set('user', flags.user);
  if (flags.allUsers) q.set('all', '1');
  if (flags.project !== undefined) q.set('project', flags.project);
  return `${ROUTES.stats}${q.size ? `?${q}` : ''}`;
}
