// `gflow update`, `gflow redo`, `gflow why`: changing and explaining jobs.
import { parseBeginTime } from '../../core/begin-time.js';
import { parseTimeLimit } from '../../core/duration.js';
import { ROUTES, type JobResponse, type JobsResponse, type UpdateRequest, type WhyResponse } from '../../protocol/api.js';
import { Client } from '../../client/client.js';
import { eachJob, usage } from '../fail.js';
import { resolveJobId, resolveJobIds } from '../../client/job-ref.js';

export interface UpdateFlags {
  name?: string;
  priority?: number;
  cpus?: number;
  gpus?: number;
  time?: string;
  dependsOn?: string;
  dependsOnAll?: string;
  dependsOnAny?: string;
  begin?: string;
  maxRetries?: number;
}

export async function updateCommand(ref: string, f: UpdateFlags): Promise<void> {
  const client = new Client();
  const req = await updateRequest(client, f);
  await eachJob(await resolveJobIds(client, ref), async (id) => {
    await client.request<JobResponse>('POST', ROUTES.jobAction(id, 'update'), req);
    process.stdout.write(`Updated job ${id}\n`);
  });
}

/** The change `gflow update` asks for, checked; the MCP server's update tool builds it here too. */
export async function updateRequest(client: Client, f: UpdateFlags): Promise<UpdateRequest> {
  const req: UpdateRequest = {};
  if (f.name !== undefined) req.name = f.name;
  if (f.priority !== undefined) req.priority = f.priority;
  if (f.cpus !== undefined) req.cpus = f.cpus;
  if (f.gpus !== undefined) req.gpus = f.gpus;
  if (f.time !== undefined) req.timeLimitSec = f.time === 'none' ? null : parseTimeLimit(f.time);
  if (f.begin !== undefined) req.beginAt = f.begin === 'none' ? null : parseBeginTime(f.begin, new Date());
  if (f.maxRetries !== undefined) req.maxRetries = f.maxRetries;
  const deps = [f.dependsOn, f.dependsOnAll, f.dependsOnAny].filter((x) => x !== undefined);
  if (deps.length > 1) throw usage('give one of --depends-on, --depends-on-all, --depends-on-any');
  if (deps.length === 1) {
    const text = deps[0]!;
    const spec = text === 'none' ? undefined : await (await import('../../client/dep-spec.js')).resolveDependencySpec(client, text);
    if (spec?.singleton) throw usage('singleton is given at submit', 'submit the job again with -d singleton');
    req.dependsOn = spec?.dependsOn ?? [];
    req.dependsMode = f.dependsOnAny !== undefined ? 'any' : 'all';
    if (spec?.dependsKinds.some((k) => k !== 'afterok')) req.dependsKinds = spec.dependsKinds;
  }
  if (Object.keys(req).length === 0) throw usage('nothing to update', 'give at least one of --priority, --time, --gpus, --cpus, --name, --depends-on, --begin, --max-retries');
  return req;
}

export async function redoCommand(ref: string, f: { cascade?: boolean; json?: boolean }): Promise<void> {
  const client = new Client();
  const id = await resolveJobId(client, ref);
  const { jobs } = await client.request<JobsResponse>('POST', ROUTES.jobAction(id, 'redo'), { cascade: f.cascade === true, env: { ...process.env } });
  if (f.json) process.stdout.write(`${JSON.stringify(jobs, null, 2)}\n`);
  else for (const j of jobs) process.stdout.write(`Submitted job ${j.id} (redo of ${j.redoneFrom})\n`);
}

export async function whyCommand(ref: string, f: { json?: boolean }): Promise<void> {
  const client = new Client();
  const id = await resolveJobId(client, ref);
  const answer = await client.request<WhyResponse>('GET', ROUTES.jobAction(id, 'why'));
  process.stdout.write(f.json ? `${JSON.stringify(answer, null, 2)}\n` : `${(await import('../../client/why-text.js')).whyLines(answer).join('\n')}\n`);
}
