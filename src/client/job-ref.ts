// Turns what a user typed (`7`, `@`, `@~2`, `1,3,5-9`) into job ids.
// `@` is the user's last submission and `@~N` the N-th most recent one; an array or sweep is
// one submission. Commands over several jobs take all of its jobs, commands over one job
// its newest.
import os from 'node:os';
import { parseIdList, parseJobRef } from '../core/id-list.js';
import { ROUTES } from '../protocol/api.js';
import type { Job } from '../protocol/job.js';
import type { Client } from './client.js';
import { usage } from '../protocol/errors.js';

/** GET /v1/resolve: the newest job of the submission and, from daemons that know, all of it. */
export interface ResolveAnswer {
  job: Job;
  jobs?: Job[];
}

export function currentUser(): string {
  return os.userInfo().username;
}

/** Every job of the resolved submission; a daemon that answers only `job` gives one. */
export function submissionIds(answer: ResolveAnswer): number[] {
  const jobs = answer.jobs && answer.jobs.length > 0 ? answer.jobs : [answer.job];
  return [...new Set(jobs.map((j) => j.id))];
}

async function resolveRef(client: Client, back: number): Promise<ResolveAnswer> {
  const q = new URLSearchParams({ user: currentUser(), back: String(back) });
  return client.request<ResolveAnswer>('GET', `${ROUTES.resolve}?${q}`);
}

/** One job (show, log, attach, redo, why): `@` is the newest job of the last submission. */
export async function resolveJobId(client: Client, text: string): Promise<number> {
  const ref = parseJobRef(text);
  if (ref) return (await resolveRef(client, ref.back)).job.id;
  const ids = parseIdList(text);
  if (ids.length !== 1) throw usage(`expected one job, got '${text}'`, 'give a single id, @ or @~N');
  return ids[0]!;
}

/** Several jobs (cancel, hold, release, update, dependencies): `@` is the whole last submission. */
export async function resolveJobIds(client: Client, text: string): Promise<number[]> {
  const ref = parseJobRef(text);
  return ref ? submissionIds(await resolveRef(client, ref.back)) : parseIdList(text);
}

/** Dependencies as typed (`3,5-7,@,@~2`): each part as in resolveJobIds, in order, once each. */
export async function resolveDependencies(client: Client, text: string): Promise<number[]> {
  const out: number[] = [];
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) out.push(...(await resolveJobIds(client, part)));
  if (out.length === 0) throw usage(`no job in '${text}'`, 'give job ids, @ or @~N');
  return [...new Set(out)];
}
