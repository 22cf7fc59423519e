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

/** Removes paths on libuv's threads, a chunk at a time, so requests are answered in between. */
export async function removeAll(paths: readonly string[], chunk = 256): Promise<void> {
  for (let i = 0; i < paths.length; i += chunk) {
    await Promise.all(paths.slice(i, i + chunk).map((p) => fs.promises.rm(p, { recursive: true, force: true }).catch(() => undefined)));
  }
}
