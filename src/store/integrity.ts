// Storage faults are said, never absorbed: the database is checked at start, backed up (before a
// migration and daily, the newest few kept), and job ids are never given out twice — not even
// when the database lost its latest changes (a damaged -wal file drops them silently).
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { GflowError } from '../protocol/errors.js';
import { backupDir, type Db } from './db.js';

const KEEP_BACKUPS = 3;

/** `PRAGMA quick_check`: a damaged file stops the daemon with what to do. */
export function checkIntegrity(db: Db, file: string): void {
  const rows = db.pragma('quick_check(3)') as { quick_check: string }[];
  const problems = rows.map((r) => r.quick_check).filter((t) => t !== 'ok');
  if (problems.length === 0) return;
  throw new GflowError(
    'start_failed',
    `the database ${file} is damaged (${problems.join('; ').slice(0, 200)})`,
    `stop here: restore the newest backup with \`gflowd restore\` (it lists ${backupDir(file)}), or move the file aside to start with an empty queue`,
  );
}

/**
 * The check on a connection of its own, closed after it: the memory SQLite takes to read every
 * page (about 17 MB for 100,000 jobs) would otherwise stay with the daemon for good.
 */
export function checkIntegrityOf(file: string): void {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    // A small page cache: the check reads every page once, and what malloc took stays in the process.
    db.pragma('cache_size = -256');
    checkIntegrity(db, file);
  } finally {
    db.close();
  }
}

/** The highest job id the database has given out. */
export function highestJobId(db: Db): number {
  const seq = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'jobs'").get() as { seq: number } | undefined;
  const max = (db.prepare('SELECT max(id) AS n FROM jobs').get() as { n: number | null }).n ?? 0;
  return Math.max(seq?.seq ?? 0, max);
}

/** Makes the next job id greater than `floor` (ids seen in the state directory's files). */
export function raiseJobIdFloor(db: Db, floor: number): void {
  db.transaction(() => {
    if (db.prepare("UPDATE sqlite_sequence SET seq = ? WHERE name = 'jobs' AND seq < ?").run(floor, floor).changes > 0) return;
    if (!db.prepare("SELECT 1 FROM sqlite_sequence WHERE name = 'jobs'").get()) db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('jobs', ?)").run(floor);
  }).immediate();
}

/** The backups, newest first. */
export function listBackups(dbFile: string): string[] {
  const dir = backupDir(dbFile);
  try {
    return fs.readdirSync(dir).filter((f) => /^gflow-\d{8}T\d{6}Z-[a-z0-9-]+\.db$/.test(f)).sort().reverse().map((f) => path.join(dir, f));
  } catch {
    return [];
  }
}

/** An online copy of the database (SQLite's backup API: consistent while the daemon writes); the oldest beyond a few are removed. */
export async function backupDatabase(db: Db, dbFile: string, why: string): Promise<string> {
  const dir = backupDir(dbFile);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const file = path.join(dir, `gflow-${stamp}-${why}.db`);
  await db.backup(file);
  fs.chmodSync(file, 0o600);
  for (const old of listBackups(dbFile).slice(KEEP_BACKUPS)) fs.rmSync(old, { force: true });
  return file;
}
