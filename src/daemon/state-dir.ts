// The daemon's state directory. Personal: the owner's alone (0700). Shared: everyone may enter
// it (0755) to reach the wrapper, the discovery file and their own job directories, while the
// database and the daemon's log stay root's (0600).
import fs from 'node:fs';
import type { Paths } from '../config/paths.js';
import { GflowError } from '../protocol/errors.js';
import { accessProblem } from '../store/access-problem.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';
import { writeFresh } from '../config/safe-file.js';

export function prepareStateDir(paths: Paths): void {
  if (paths.mode === 'shared' && process.getuid?.() !== 0) {
    throw new GflowError('start_failed', 'a shared daemon (one for every user of the machine) must run as root', 'start it with `sudo gflowd up`, or run your own with `gflowd up --personal`');
  }
  try {
    fs.mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
    fs.chmodSync(paths.stateDir, paths.mode === 'shared' ? 0o755 : 0o700);
  } catch (err) {
    throw accessProblem(paths.stateDir, err) ?? err;
  }
}


/** The database (and its journal) hold every user's environment: root's or the owner's only. */
export function protectDatabase(paths: Paths): void {
  for (const f of [paths.db, `${paths.db}-wal`, `${paths.db}-shm`]) {
    try {
      fs.chmodSync(f, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

/** What the CLI of any user reads to find the shared daemon. */
export interface Discovery {
  port: number;
  pid: number;
  protocol: number;
}

export function writeDiscovery(paths: Paths, port: number): void {
  if (paths.mode !== 'shared') return;
  const d: Discovery = { port, pid: process.pid, protocol: PROTOCOL_VERSION };
  const tmp = `${paths.discoveryFile}.${process.pid}`;
  writeFresh(tmp, `${JSON.stringify(d)}\n`, 0o644);
  fs.renameSync(tmp, paths.discoveryFile);
}

/** On a stop (not a reload: the successor wrote its own), if the file still names this daemon. */
export function removeDiscovery(paths: Paths): void {
  if (paths.mode !== 'shared') return;
  try {
    const d = JSON.parse(fs.readFileSync(paths.discoveryFile, 'utf8')) as Discovery;
    if (d.pid === process.pid) fs.rmSync(paths.discoveryFile, { force: true });
  } catch {
    // already gone
  }
}
