// `gflowd restore [FILE|latest]`: puts a backup of the database back (the daemon must be
// stopped). Without an argument it lists the backups. The database it replaces is kept aside.
import fs from 'node:fs';
import { resolvePaths } from '../../config/paths.js';
import { localTime } from '../../config/local-time.js';
import { GflowError } from '../../protocol/errors.js';
import Database from 'better-sqlite3';
import { GFLOW_APPLICATION_ID } from '../../store/db.js';
import { checkIntegrity, listBackups } from '../../store/integrity.js';
import { findDaemonByName } from './find-daemon.js';

export async function restore(which: string | undefined, say: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<void> {
  const paths = resolvePaths();
  const backups = listBackups(paths.db);
  if (which === undefined) {
    if (backups.length === 0) say(`No backups in ${paths.stateDir}/backups (one is taken daily by the running daemon, and before every schema upgrade)`);
    for (const b of backups) say(`${localTime(fs.statSync(b).mtime)}  ${(fs.statSync(b).size / 1024 ** 2).toFixed(1)} MB  ${b}`);
    return;
  }
  const file = which === 'latest' ? backups[0] : which;
  if (!file || !fs.existsSync(file)) throw new GflowError('not_found', which === 'latest' ? 'there is no backup' : `no such backup: ${which}`, 'run `gflowd restore` to list the backups');
  assertBackup(file);
  const pid = await findDaemonByName(paths.stateDir);
  if (pid !== undefined) throw new GflowError('conflict', `gflowd (pid ${pid}) is running on this database`, 'stop it first with `gflowd down` (jobs keep running), then restore, then `gflowd up`');
  const aside = `${paths.db}.replaced-${Date.now()}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (fs.existsSync(paths.db + suffix)) fs.renameSync(paths.db + suffix, aside + suffix);
  }
  fs.copyFileSync(file, paths.db);
  fs.chmodSync(paths.db, 0o600);
  say(`Restored ${file}; the database it replaced is kept as ${aside}. Start the daemon with \`gflowd up\`.`);
}

/** Only a gflow database (one that opens, passes its check, and is gflow's) may take the place of the queue. */
function assertBackup(file: string): void {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    if (db.pragma('application_id', { simple: true }) !== GFLOW_APPLICATION_ID) throw new Error('not a gflow database');
    checkIntegrity(db, file);
  } catch (err) {
    throw new GflowError('bad_request', `${file} is not a usable gflow backup: ${(err as Error).message}`, 'run `gflowd restore` to list the backups; nothing was changed');
  } finally {
    db?.close();
  }
}
