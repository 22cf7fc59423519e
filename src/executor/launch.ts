// Starts one job in its own tmux session: the wrapper is the session's command, the pane
// is logged from its first byte, and the pane stays after exit for inspection.
import path from 'node:path';
import { newSession } from '../tmux/tmux.js';
import { writeSpec, scriptArgv } from './job-spec.js';
import { writeFresh } from './safe-file.js';
import { statusFile } from './status-file.js';
import { TOKEN_VAR } from './terminate.js';

export interface LaunchInput {
  id: number;
  name: string | null;
  session: string;
  command: string[] | null;
  script: string | null;
  cwd: string;
  env: Record<string, string>;
  token: string;
  cpus: number;
}

export interface LaunchDirs {
  jobsDir: string;
  statusDir: string;
  logFile: string;
  wrapper: string;
}

export async function launchJob(job: LaunchInput, dirs: LaunchDirs): Promise<number> {
  const spec = path.join(dirs.jobsDir, String(job.id), 'spec.sh');
  const argv = job.command ?? scriptArgv(job.script!);
  writeSpec(spec, {
    cwd: job.cwd,
    argv,
    env: {
      ...job.env,
      GFLOW_JOB_ID: String(job.id),
      GFLOW_JOB_NAME: job.name ?? '',
      GFLOW_CPUS: String(job.cpus),
      [TOKEN_VAR]: job.token,
    },
  });
  // The log is created here, as a regular file: the pane's output is appended to it.
  writeFresh(dirs.logFile, '');
  return newSession({
    name: job.session,
    argv: ['/bin/bash', dirs.wrapper, spec, statusFile(dirs.statusDir, job.id)],
    // No -c: the spec changes directory (tmux would read `#{…}` in a path as a format).
    remainOnExit: true,
    logFile: dirs.logFile,
  });
}
