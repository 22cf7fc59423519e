// The API token: a random secret created at the daemon's first start, readable only by its
// owner (file 0600 in a 0700 directory). Anyone on the machine can reach 127.0.0.1; only
// the owner can read this file, so only the owner can make the daemon run commands.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { GflowError } from '../protocol/errors.js';

/**
 * The token, created when missing. One that others could read (group or other permission bits)
 * may have leaked: it is replaced, and `onRotated` says so.
 */
export function ensureToken(file: string, onRotated: (why: string) => void = () => {}): string {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.chmodSync(path.dirname(file), 0o700);
  let existing: string | undefined;
  try {
    existing = fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    // Only a missing token is created here; any other failure is reported, because a new
    // token would silently lock out every client that holds the old one.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new GflowError('start_failed', `cannot read the API token ${file}: ${(err as Error).message}`, 'make it a file you own and can read, or remove it to get a new one');
  }
  if (existing !== undefined && existing.length >= 32) {
    const mode = fs.statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      try {
        const token = writeNewToken(file);
        onRotated(`the API token ${file} was readable by others (mode ${mode.toString(8)}): replaced with a new one`);
        return token;
      } catch (err) {
        throw new GflowError('start_failed', `cannot replace the API token ${file}, which others could read (mode ${mode.toString(8)}): ${(err as Error).message}`, 'make it a file you own (chown), or remove it to get a new one');
      }
    }
    try {
      fs.chmodSync(file, 0o600);
    } catch (err) {
      throw new GflowError('start_failed', `cannot make the API token ${file} private (mode 600): ${(err as Error).message}`, 'make it a file you own (chown), or remove it to get a new one');
    }
    return existing;
  }
  return writeNewToken(file);
}

/** A new random token, written atomically and privately (never through a planted link). */
export function writeNewToken(file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Required here, not imported: every CLI command reads the token, and loading node:crypto
  // would cost each ~2 ms.
  const { randomBytes } = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  const token = randomBytes(32).toString('hex');
  const tmp = `${file}.${process.pid}.tmp`;
  // O_EXCL + O_NOFOLLOW: never write the secret through a planted symlink.
  const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
  try {
    fs.writeSync(fd, `${token}\n`);
    fs.closeSync(fd);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  return token;
}

export function readToken(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new GflowError('daemon_not_running', `no API token at ${file}`, 'start the daemon with `gflowd up` (it creates the token)');
    throw new GflowError('unauthorized', `cannot read the API token ${file}: ${(err as Error).message}`, 'run gflow as the user who runs gflowd, and make the token a file that user can read');
  }
}
