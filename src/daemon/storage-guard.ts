// At start: the database is checked, job ids are kept above every id the state directory's
// files name (so a database that lost its latest changes never gives an id out twice), and a
// daily backup is taken by the scheduling daemon. While it runs: no new job is taken or started
// while the state directory's disk is nearly full, so that the database can always write.
import fs from 'node:fs';
import path from 'node:path';
import type { Paths } from '../config/paths.js';
import { formatBytes } from '../core/size.js';
import { GflowError } from '../protocol/errors.js';
import type { Db } from '../store/db.js';
import { backupDatabase, checkIntegrityOf, highestJobId, listBackups, raiseJobIdFloor } from '../store/integrity.js';
import type { Logger } from './logger.js';
import { fdPath, openDirectory } from '../config/safe-open.js';

/** The highest job id that a status file or a job's spec directory is named after. */
export function highestIdOnDisk(paths: Paths): number {
  const dirs = [paths.statusDir, paths.jobsDir];
  const users = path.join(paths.stateDir, 'users');
  for (const uid of readdir(users)) dirs.push(path.join(users, uid, 'status'));
  let max = 0;
  for (const dir of dirs) for (const name of readdir(dir)) if (/^\d{1,15}$/.test(name)) max = Math.max(max, Number(name));
  return max;
}

// A user's status directory is theirs: listed through a descriptor opened without following a
// link they planted (a link to /proc would raise the ids to the highest pid).
function readdir(dir: string): string[] {
  const fd = openDirectory(dir);
  if (fd === undefined) return [];
  try {
    return fs.readdirSync(fdPath(fd));
  } catch {
    return [];
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * `reloading`: the daemon replaces one that ran on this database just now; neither the check (a
 * second per GB) nor the directory scan (a second per million files) is needed then.
 */
export function guardStorage(db: Db, paths: Paths, log: Logger, reloading: boolean): void {
  if (reloading) return;
  checkIntegrityOf(paths.db);
  const onDisk = highestIdOnDisk(paths);
  const inDb = highestJobId(db);
  if (onDisk <= inDb) return;
  log.error(
    `the database knows jobs up to ${inDb} but this state directory has files of job ${onDisk}: it lost its latest changes (a damaged ${path.basename(paths.db)}-wal?). ` +
      `New jobs start after ${onDisk}; to get the lost jobs back, stop gflowd and restore a backup (\`gflowd restore\`)`,
  );
  raiseJobIdFloor(db, onDisk);
}

const DAY_MS = 86_400_000;

/** A backup a day (by the scheduling daemon), when the newest one is older than a day. */
export function startDailyBackup(db: Db, paths: Paths, log: Logger, leads: () => boolean): () => void {
  const run = (): void => {
    if (!leads() || !db.open) return;
    const newest = listBackups(paths.db)[0];
    if (newest && Date.now() - fs.statSync(newest).mtimeMs < DAY_MS) return;
    backupDatabase(db, paths.db, 'daily').then(
      (file) => log.info(`backed up the database to ${file}`),
      (err: Error) => log.warn(`daily backup failed: ${err.message}`),
    );
  };
  const first = setTimeout(run, 60_000);
  const timer = setInterval(run, 3_600_000);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}

/**
 * The free-space guard. The state directory's disk holds the database and, in shared mode,
 * every user's logs and kept scripts: a job that prints without end, or a flood of submissions,
 * could fill it until the database cannot record even a cancel. While less than `minFree` is
 * free, new jobs are refused and queued ones are not started; what already runs, ends, cancels
 * and the admin's commands go on, in the room kept.
 */
export class DiskGuard {
  private low = false;

  constructor(
    private readonly dir: string,
    private readonly minFree: number | null,
    private readonly log: Logger,
  ) {}

  /** Why no new job can be taken or started now; undefined: they can. One statfs, a few µs. */
  refusal(): GflowError | undefined {
    if (this.minFree === null) return undefined;
    const free = freeBytes(this.dir);
    const low = free !== undefined && free < this.minFree;
    if (low !== this.low) {
      this.low = low;
      if (low) this.log.warn(`${this.what(free!)}: new jobs are refused and queued jobs wait until there is room (the minFree setting)`);
      else this.log.info(`the disk of ${this.dir} has ${formatBytes(free ?? 0)} free again: new jobs are taken and started`);
    }
    if (!low) return undefined;
    return new GflowError(
      'conflict',
      `${this.what(free!)}: new jobs are refused until there is room`,
      '`gflow clean` removes your ended jobs and their logs; the admin can free space on that disk or lower the minFree setting',
    );
  }

  private what(free: number): string {
    return `the disk of gflow's state directory ${this.dir} (its database and job logs) has ${formatBytes(free)} free, less than the ${formatBytes(this.minFree!)} kept so that the database can always write`;
  }
}

/** Bytes an unprivileged user may still write on the disk of `dir` (root's reserve not counted); undefined: unknown. */
export function freeBytes(dir: string): number | undefined {
  try {
    const s = fs.statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}
