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

/** Files (not directories) the job may have left; some may not exist. */
export function jobFiles(job: PurgedJob, dirs: JobDirs): string[] {
  const files = [path.join(dirs.logsDir, `${job.id}.log`), statusFile(dirs.statusDir, job.id)];
  for (let run = 1; run <= job.attempts.length; run++) files.push(path.join(dirs.logsDir, `${job.id}.${run}.log`));
  return files;
}

export function jobDir(job: PurgedJob, dirs: JobDirs): string {
  return path.join(dirs.jobsDir, String(job.id));
}

/** Time the daemon's thread spends removing files before it answers waiting requests. */
const SLICE_MS = 10;

/**
 * Removes what exists of these paths, in slices of SLICE_MS with requests answered in between.
 * Synchronous calls: a stat that finds nothing costs a microsecond or two, where a promise per
 * path would cost the daemon's thread ten times more than the work.
 */
export async function removeAll(paths: readonly string[]): Promise<void> {
  let i = 0;
  while (i < paths.length) {
    const until = performance.now() + SLICE_MS;
    for (; i < paths.length && performance.now() < until; i++) {
      if (fs.existsSync(paths[i]!)) fs.rmSync(paths[i]!, { recursive: true, force: true });
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}
