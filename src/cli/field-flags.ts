// The CLI's words for the request fields the daemon checks: a refused field is reported as
// the flag the user typed (`--time`), not as the wire's name (`timeLimitSec`).
import type { FieldProblem } from '../protocol/errors.js';

const FLAG_OF: Readonly<Record<string, string>> = {
  name: '--name',
  priority: '--priority',
  cpus: '--cpus',
  timeLimitSec: '--time',
  gpus: '--gpus',
  shared: '--shared',
  gpuMemoryMb: '--gpu-memory',
  dependsOn: '--depends-on',
  dependsMode: '--depends-on-any/--depends-on-all',
  dependsKinds: '--depends-on',
  maxConcurrent: '--max-concurrent',
  maxRetries: '--max-retries',
  beginAt: '--begin',
  project: '--project',
  memMb: '--mem',
  outputPath: '--output',
  maxLogBytes: '--max-log',
  errorPath: '--error',
  condaEnv: '--conda-env',
  warnSignal: '--signal',
  warnBeforeSec: '--signal',
  mailUser: '--mail-user',
  notifyOn: '--notify-on',
  cwd: '--chdir',
  script: 'the script',
  scriptText: 'the script',
  scriptPath: 'the script',
  command: 'the command',
  env: 'the environment',
  params: '--param',
  tasks: 'the tasks',
  arrayTaskId: '--array',
};

/** `--time: expected a duration from 1 second to 365 days`, for a field the daemon refused. */
export function fieldMessage(f: FieldProblem): string {
  // `tasks[3].command[0]`, `env.PATH`: the last named part says which flag.
  const parts = f.name.split('.').map((p) => p.replace(/\[\d+\]$/, ''));
  const known = [...parts].reverse().find((p) => FLAG_OF[p] !== undefined);
  const what = known ? FLAG_OF[known]! : f.name;
  const variable = parts[0] === 'env' && parts.length > 1 ? ` (${f.name.slice(4)})` : '';
  return `${what}${variable}: expected ${f.expected}`;
}
