// One `gflowd up` or `reload` at a time per state directory. The lock file appears whole: it is
// written under a private name first and then linked into place (link fails if the lock exists),
// so nobody ever reads an empty or half-written one. It names its holder by pid and start time;
// a lock whose holder is gone is taken over under a second lock of the same kind, so that two
// processes that both find it stale cannot both take it.
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { markedProcess, processMark } from '../../executor/proc.js';
import { GflowError } from '../../protocol/errors.js';

/** The live process a lock file names, or undefined if the file is gone or its holder is. */
function holderOf(file: string): number | undefined {
  try {
    return markedProcess(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Creates `file` with our name in it, whole, or fails with EEXIST. */
function createWhole(file: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, processMark(), { mode: 0o600, flag: 'w' });
  try {
    fs.linkSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** Takes the lock, or answers the pid that holds it. */
export function tryLock(file: string): { release: () => void } | { holder: number } {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      createWhole(file);
      return { release: () => fs.rmSync(file, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = holderOf(file);
    if (holder !== undefined) return { holder };
    // Stale: removed by whoever takes the take-over lock (itself taken over when stale).
    const takeover = `${file}.takeover`;
    try {
      createWhole(takeover);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (holderOf(takeover) === undefined) fs.rmSync(takeover, { force: true });
      continue;
    }
    try {
      if (holderOf(file) === undefined) fs.rmSync(file, { force: true });
    } finally {
      fs.rmSync(takeover, { force: true });
    }
  }
  const holder = holderOf(file);
  if (holder !== undefined) return { holder };
  throw new GflowError('conflict', `could not take the lock ${file}`, 'try again');
}

/** The lock of the state directory's daemon control (`up`, `reload`). */
export function controlLockFile(stateDir: string): string {
  return path.join(stateDir, 'control.lock');
}

/** For `reload`: one at a time, the second one refused at once. */
export function acquireReloadLock(stateDir: string): () => void {
  const r = tryLock(controlLockFile(stateDir));
  if ('holder' in r) throw new GflowError('conflict', `a reload or start of gflowd is already in progress (pid ${r.holder})`, 'wait for it to finish, then check `gflowd status`');
  return r.release;
}

/** For `up`: waits for another `up` or `reload` to finish (then finds its daemon running). */
export async function waitForControlLock(stateDir: string, timeoutMs = 30_000): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 10; ; delay = Math.min(200, delay * 2)) {
    const r = tryLock(controlLockFile(stateDir));
    if ('release' in r) return r.release;
    if (Date.now() > deadline) throw new GflowError('conflict', `another gflowd up or reload (pid ${r.holder}) is still running`, 'wait for it to finish, then check `gflowd status`');
    await sleep(delay);
  }
}
