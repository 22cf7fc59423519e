// Opens the state database: WAL, durable commits, migrations applied, foreign files refused.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { GflowError } from '../protocol/errors.js';
import { accessProblem } from './access-problem.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';

export type Db = Database.Database;

/** Where the database's backups are kept: beside it. */
export function backupDir(dbFile: string): string {
  return path.join(path.dirname(dbFile), 'backups');
}

// Marks a file as ours, so a foreign or corrupt file is never silently reset.
export const GFLOW_APPLICATION_ID = 0x67666c77; // 'gflw'

export function openDatabase(file: string, upTo: number = SCHEMA_VERSION): Db {
  const existed = fs.existsSync(file) && fs.statSync(file).size > 0;
  let db: Db | undefined;
  let appId: number;
  let version: number;
  // Look before writing anything: a foreign or corrupt file must stay exactly as it is.
  try {
    db = new Database(file, { timeout: 5000 });
    appId = db.pragma('application_id', { simple: true }) as number;
    version = db.pragma('user_version', { simple: true }) as number;
    if (existed && appId !== GFLOW_APPLICATION_ID && !(appId === 0 && version === 0 && isEmpty(db))) {
      throw new GflowError('start_failed', `${file} is not a gflow database`, 'move it aside to start with an empty queue; gflow leaves it untouched');
    }
    db.pragma('journal_mode = WAL');
    // NORMAL: in WAL mode every commit survives a crash of the daemon (kill -9); what users
    // are told was done (API writes) is also synced to disk first: see JobStore.durable.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
  } catch (err) {
    db?.close();
    if (err instanceof GflowError) throw err;
    // Permissions or a read-only filesystem: the data is fine, only access is wrong.
    const denied = accessProblem(unwritable(file) ?? file, err);
    if (denied) throw denied;
    throw new GflowError('start_failed', `cannot open database ${file}: ${(err as Error).message}`, 'the file is not a gflow database or is corrupt; move it aside to start with an empty queue', { cause: err });
  }
  if (version > SCHEMA_VERSION) {
    db.close();
    throw new GflowError('start_failed', `database schema ${version} is newer than this gflow (${SCHEMA_VERSION})`, 'upgrade gflow, or run the version that wrote it');
  }
  migrate(db, version, upTo, file);
  return db;
}

// Which of the database's files (or its directory) cannot be written, to name it in the error.
function unwritable(file: string): string | undefined {
  for (const f of [file, `${file}-wal`, `${file}-shm`, path.dirname(file)]) {
    try {
      fs.accessSync(f, fs.constants.W_OK);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return f;
    }
  }
  return undefined;
}

function isEmpty(db: Db): boolean {
  const row = db.prepare("SELECT count(*) AS n FROM sqlite_master").get() as { n: number };
  return row.n === 0;
}

function migrate(db: Db, from: number, upTo: number, file: string): void {
  const pending = MIGRATIONS.filter((m) => m.version > from && m.version <= upTo);
  if (pending.length === 0) return;
  // A copy of what was there before, in case the new code turns out wrong (`gflowd restore`).
  if (from > 0) copyBeforeMigration(db, file, from);
  db.transaction(() => {
    db.pragma(`application_id = ${GFLOW_APPLICATION_ID}`);
    for (const m of pending) {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
  }).immediate();
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function copyBeforeMigration(db: Db, file: string, from: number): void {
  const dir = backupDir(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  // VACUUM INTO writes a consistent copy synchronously (the daemon is not serving yet).
  const copy = path.join(dir, `gflow-${stamp}-schema${from}.db`);
  db.prepare('VACUUM INTO ?').run(copy);
  fs.chmodSync(copy, 0o600);
}
