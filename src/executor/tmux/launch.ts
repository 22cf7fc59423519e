// Starts one job in its own tmux session: the wrapper is the session's command, the pane
// is logged from its first byte, and the pane stays after exit for inspection.
import path from 'node:path';
import { newSession } from '../../tmux/tmux.js';
import { writeSpec, scriptArgv } from './job-spec.js';
import { writeFresh } from '../safe-file.js';

export interface LaunchInput {
  id: number;
  session: string;
  command: string[] | null;
  script: string | null;
  cwd: string;
  /** the job's whole environment (src/core/job-env.ts) */
  env: Record<string, string>;
}

export interface LaunchFiles {
  jobsDir: string;
  statusFile: string;
  logFile: string;
  wrapper: string;
}

/** Returns the pane's pid (the wrapper). */
export async function launchJob(job: LaunchInput, files: LaunchFiles): Promise<number> {
  const spec = path.join(files.jobsDir, String(job.id), 'spec.sh');
  writeSpec(spec, { cwd: job.cwd, argv: job.command ?? scriptArgv(job.script!), env: job.env });
  // The log is created here, as a regular file: the pane's output is appended to it.
  writeFresh(files.logFile, '');
  return newSession({
    name: job.session,
    argv: ['/bin/bash', files.wrapper, spec, files.statusFile],
    // No -c: the spec changes directory (tmux would read `#{…}` in a path as a format).
    remainOnExit: true,
    logFile: files.logFile,
  });
}
