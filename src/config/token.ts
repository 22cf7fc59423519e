// The API token: a random secret created at the daemon's first start, readable only by its
// owner (file 0600 in a 0700 directory). Anyone on the machine can reach 127.0.0.1; only
// the owner can read this file, so only the owner can make the daemon run commands.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { GflowError } from '../protocol/errors.js';

export function ensureToken(file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.chmodSync(path.dirname(file), 0o700);
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) {
      fs.chmodSync(file, 0o600);
      return existing;
    }
  } catch {
    // not there yet
  }
  const token = crypto.randomBytes(32).toString('hex');
  const tmp = `${file}.${process.pid}.tmp`;
  // O_EXCL + O_NOFOLLOW: never write the secret through a planted symlink.
  const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
  fs.writeSync(fd, `${token}\n`);
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
  return token;
}

export function readToken(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    throw new GflowError('daemon_not_running', `no API token at ${file}`, 'start the daemon with `gflowd up` (it creates the token)');
  }
}
