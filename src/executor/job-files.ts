// The files an ended job leaves, named from its record, so that removing thousands of jobs
// never lists a directory that may hold a million entries (a listing blocks the daemon for as
// long as it takes): its log `<id>.log`, the logs of earlier runs `<id>.<run>.log` (one per
// entry in `attempts`), its status file `<id>`, and its directory `jobs/<id>/` (spec, script).
import fs from 'node:fs';
import path from 'node:path';
import type { PurgedJob } from './executor.js';
import { statusFile } from './tmux/status-file.js';

export interface JobDirs {
  logsDir: string;
  statusDir: string;
  jobsDir: string;
}

/**
 * A job's log (`run`: an earlier run's). Not path.join: the directory is already normalized, and
 * a listing asks this of every job it lists.
 */
export function logFile(logsDir: string, id: number, run?: number): string {
  return run === undefined ? `${logsDir}/${id}.log` : `${logsDir}/${id}.${run}.log`;
}

/**
 * Files (not directories) the job may have left; some may not exist. A job that never ran has
 * none: no session, and no earlier run (a requeued job that was cancelled while it waited has
 * its earlier runs' logs, and may have its log).
 */
export function jobFiles(job: PurgedJob, dirs: JobDirs): string[] {
  const ran = job.session !== null || job.attempts.length > 0;
  const files = ran ? [logFile(dirs.logsDir, job.id), statusFile(dirs.statusDir, job.id)] : [];
  for (let run = 1; run <= job.attempts.length; run++) files.push(logFile(dirs.logsDir, job.id, run));
  return files;
}

/**
 * The job's directory, when it may have one: the job ran (its spec is there), or its script was
 * kept there at submission. Most jobs cleaned in bulk never ran (cancelled while queued): looking
 * for 900,000 directories that do not exist took seconds.
 */
export function jobDir(job: PurgedJob, dirs: JobDirs): string | undefined {
  const dir = path.join(dirs.jobsDir, String(job.id));
  const ran = job.session !== null || job.attempts.length > 0;
  return ran || job.script?.startsWith(`${dir}${path.sep}`) ? dir : undefined;
}

/** Time the daemon's thread spends removing files before it answers waiting requests. */
const SLICE_MS = 10;

/**
 * Removes what exists of these files, or directories with what is in them, in slices of
 * SLICE_MS with requests answered in between. Synchronous calls: a promise per path cost the
 * daemon's thread more than the work. A file is unlinked straight away (one system call: the
 * files of a job that ran are there); a directory, often absent, is looked for first (a failed
 * call costs an exception).
 */
export async function removeAll(paths: readonly string[], kind: 'files' | 'dirs'): Promise<void> {
  const remove = kind === 'files' ? unlinkIfThere : removeDirIfThere;
  let i = 0;
  while (i < paths.length) {
    const until = performance.now() + SLICE_MS;
    for (; i < paths.length && performance.now() < until; i++) remove(paths[i]!);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function unlinkIfThere(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') fs.rmSync(file, { recursive: true, force: true });
  }
}

function removeDirIfThere(dir: string): void {
  if (fs.existsSync(dir)) fs.rmSync(dir, { recursive: true, force: true });
}
