// Turns what a user typed (`7`, `@`, `@~2`, `1,3,5-9`) into job ids.
import os from 'node:os';
import { parseIdList, parseJobRef } from '../core/id-list.js';
import { ROUTES, type JobResponse } from '../protocol/api.js';
import type { Client } from './client.js';
import { usage } from './fail.js';

export function currentUser(): string {
  return os.userInfo().username;
}

export async function resolveJobId(client: Client, text: string): Promise<number> {
  const ref = parseJobRef(text);
  if (ref) {
    const q = new URLSearchParams({ user: currentUser(), back: String(ref.back) });
    return (await client.request<JobResponse>('GET', `${ROUTES.resolve}?${q}`)).job.id;
  }
  const ids = parseIdList(text);
  if (ids.length !== 1) throw usage(`expected one job, got '${text}'`, 'give a single id, @ or @~N');
  return ids[0]!;
}

export async function resolveJobIds(client: Client, text: string): Promise<number[]> {
  return parseJobRef(text) ? [await resolveJobId(client, text)] : parseIdList(text);
}
