// `gflow stats`: figures over the jobs that ended in a period. In shared mode a user sees their
// own jobs unless they ask for everyone's (the queue is everyone's to see, so the totals are too).
import { jobStats } from '../../core/job-stats.js';
import type { Caller } from '../../identity/caller.js';
import { GflowError } from '../../protocol/errors.js';
import type { StatsResponse } from '../../protocol/stats.js';
import { endedGroups, type EndedFilter } from '../../store/stats.js';
import type { Answer, Ctx } from './context.js';

export function stats(ctx: Ctx, caller: Caller, params: URLSearchParams, shared: boolean): Answer {
  const f: EndedFilter = {};
  const since = params.get('since');
  if (since !== null) {
    const n = Number(since);
    if (since === '' || !Number.isSafeInteger(n) || n < 0) throw new GflowError('bad_request', "invalid field 'since': expected ms since the epoch");
    f.since = n;
  }
  const user = params.get('user');
  const all = params.get('all') === '1';
  if (user !== null && all) throw new GflowError('bad_request', 'give user or all, not both');
  if (user !== null) f.user = text(user, 'user');
  else if (shared && !all) f.user = caller.user;
  const project = params.get('project');
  if (project !== null) f.project = text(project, 'project');

  const until = Date.now();
  const { longest, ended, ...figures } = jobStats(endedGroups(ctx.store.db, f), f.since ?? null, until);
  const body: StatsResponse = {
    since: f.since === undefined ? null : new Date(f.since).toISOString(),
    until: new Date(until).toISOString(),
    user: f.user ?? null,
    project: f.project ?? null,
    ...figures,
    longest: longest.map(({ id, runSec }) => ({ job: ctx.store.toJob(ctx.store.require(id)), runSec })),
    ended: { ...ended, start: new Date(ended.start).toISOString() },
  };
  return [200, body];
}

function text(v: string, field: string): string {
  if (v === '' || v.length > 256 || /[\0-\x1f]/.test(v)) throw new GflowError('bad_request', `invalid field '${field}': expected a name`);
  return v;
}
