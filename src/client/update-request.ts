// The change `gflow update` (and the MCP server's update_jobs) asks of waiting jobs: its
// fields, defined once for both (flags, meaning, the least whole number of a count), and the
// request built from them, checked before anything is sent.
import { parseBeginTime } from '../core/begin-time.js';
import { parseTimeLimit } from '../core/duration.js';
import type { UpdateRequest } from '../protocol/api.js';
import { usage } from '../protocol/errors.js';
import type { Client } from './client.js';

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

/** One field of an update; `min`: a whole number, at least this. */
export interface UpdateField {
  key: keyof UpdateFlags;
  flags: string;
  about: string;
  min?: number;
}

/** The field's name as a bad value's message gives it: its long flag (max-retries). */
export const fieldLabel = (f: UpdateField): string => /--([\w-]+)/.exec(f.flags)![1]!;

export const UPDATE_FIELDS: readonly UpdateField[] = [
  { key: 'name', flags: '-n, --name <name>', about: 'job name' },
  { key: 'priority', flags: '-p, --priority <n>', about: 'priority', min: Number.MIN_SAFE_INTEGER },
  { key: 'cpus', flags: '-c, --cpus <n>', about: 'CPU slots', min: 1 },
  { key: 'gpus', flags: '-g, --gpus <n>', about: 'GPUs', min: 0 },
  { key: 'time', flags: '-t, --time <limit>', about: 'time limit (or none)' },
  { key: 'dependsOn', flags: '-d, --depends-on <job>', about: 'dependency (or none); @ / @~N: every job of that submission' },
  { key: 'dependsOnAll', flags: '--depends-on-all <jobs>', about: 'dependencies, all must finish (@: every job of your last submission)' },
  { key: 'dependsOnAny', flags: '--depends-on-any <jobs>', about: 'dependencies, one must finish' },
  { key: 'begin', flags: '--begin <time>', about: 'start no earlier than (or none)' },
  { key: 'maxRetries', flags: '--max-retries <n>', about: 'retries of a failed job', min: 0 },
];

/** The change `gflow update` asks for, checked; for the CLI and the MCP server's update tool. */
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
    const spec = text === 'none' ? undefined : await (await import('./dep-spec.js')).resolveDependencySpec(client, text);
    if (spec?.singleton) throw usage('singleton is given at submit', 'submit the job again with -d singleton');
    req.dependsOn = spec?.dependsOn ?? [];
    req.dependsMode = f.dependsOnAny !== undefined ? 'any' : 'all';
    if (spec?.dependsKinds.some((k) => k !== 'afterok')) req.dependsKinds = spec.dependsKinds;
  }
  if (Object.keys(req).length === 0) throw usage('nothing to update', 'give at least one of --priority, --time, --gpus, --cpus, --name, --depends-on, --begin, --max-retries');
  return req;
}
