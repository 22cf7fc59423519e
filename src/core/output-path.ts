// -o/--output and --error: files that also get the job's stdout / stderr, named with Slurm's
// patterns: %j job id, %x job name, %a array task id, %A the array's first job id, %u user,
// %% a percent sign. A relative path is relative to the job's directory.
import path from 'node:path';
import { GflowError } from '../protocol/errors.js';
import type { JobRecord } from './job.js';

export interface PatternValues {
  id: number;
  name: string | null;
  arrayTaskId: number | null;
  /** the first job of the job's array or sweep (the job itself when it is alone) */
  arrayFirst: number;
  user: string;
}

export function expandOutputPattern(pattern: string, v: PatternValues): string {
  return pattern.replace(/%(.)/g, (_m, c: string) => {
    switch (c) {
      case 'j':
        return String(v.id);
      case 'x':
        return v.name ?? 'job';
      case 'a':
        return v.arrayTaskId === null ? '' : String(v.arrayTaskId);
      case 'A':
        return String(v.arrayFirst);
      case 'u':
        return v.user;
      case '%':
        return '%';
      default:
        throw new GflowError('usage', `unknown pattern %${c} in '${pattern}'`, 'use %j (job id), %x (name), %a (array task), %A (array id), %u (user) or %%');
    }
  });
}

/** What the wrapper reads to tee the job's output (src/executor/tmux/wrapper.ts). */
export function outputEnv(job: Pick<JobRecord, 'id' | 'name' | 'arrayTaskId' | 'user' | 'cwd' | 'outputPath' | 'errorPath'>, arrayFirst: number): Record<string, string> {
  const v = { ...job, arrayFirst };
  const env: Record<string, string> = {};
  if (job.outputPath) env.GFLOW_STDOUT_FILE = path.resolve(job.cwd, expandOutputPattern(job.outputPath, v));
  if (job.errorPath) env.GFLOW_STDERR_FILE = path.resolve(job.cwd, expandOutputPattern(job.errorPath, v));
  return env;
}
