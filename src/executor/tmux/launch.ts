// Starts one job in its own tmux session: the wrapper is the session's command, the pane
// is logged from its first byte, and the pane stays after exit for inspection.
import path from 'node:path';
import { newSession, type RunAs } from '../../tmux/tmux.js';
import { writeSpec, scriptArgv, scriptArgvAs } from './job-spec.js';
import { logPipeCommand } from './log-pipe.js';
import { ensureDir, writeFresh, type Owner } from '../../config/safe-file.js';

export interface LaunchInput {
  id: number;
  session: string;
  command: string[] | null;
  script: string | null;
  cwd: string;
  /** the job's whole environment (src/core/job-env.ts) */
  env: Record<string, string>;
  /** bytes of output its log keeps (null: all) */
  maxLogBytes: number | null;
}

export interface LaunchFiles {
  /** the job's own directory (its spec), readable only by its owner */
  jobDir: string;
  statusFile: string;
  logFile: string;
  wrapper: string;
}

/** Returns the pane's pid (the wrapper). `as`: the owner, when the job is not the daemon's. */
export async function launchJob(job: LaunchInput, files: LaunchFiles, as?: RunAs & Owner): Promise<number> {
  const spec = path.join(files.jobDir, 'spec.sh');
  ensureDir(files.jobDir, as ? 0o711 : 0o700);
  writeSpec(spec, { cwd: job.cwd, argv: job.command ?? (as ? await scriptArgvAs(job.script!, files.jobDir, as) : scriptArgv(job.script!)), env: job.env }, as);
  // The log is created here, as a regular file (never through a planted symlink). Another
  // user's log lives in a directory that user controls: root does not create files there;
  // the pane's logger, running as the owner, creates it.
  if (!as) writeFresh(files.logFile, '');
  return newSession({
    name: job.session,
    argv: ['/bin/bash', files.wrapper, spec, files.statusFile],
    // No -c: the spec changes directory (tmux would read `#{…}` in a path as a format).
    remainOnExit: true,
    logCommand: logPipeCommand(files.logFile, job.maxLogBytes),
    as,
  });
}
