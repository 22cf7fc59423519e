// Files gflow creates never follow a symlink someone planted: whatever is at the path is
// removed and a new file is created with O_EXCL | O_NOFOLLOW. Files it reads where a user
// can write (a shared daemon reads its users' status files and logs) are opened without
// following a symlink and without blocking on a FIFO, and must be regular files.
import fs from 'node:fs';
import { openOwnedFile } from './safe-open.js';

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_APPEND } = fs.constants;

export interface Owner {
  uid: number;
  gid: number;
}

/** Creates `file` afresh (a symlink or old file at its place is removed) and writes `data`. */
export function writeFresh(file: string, data: string, mode = 0o600, owner?: Owner): void {
  fs.rmSync(file, { force: true });
  const fd = fs.openSync(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
  try {
    if (owner) fs.fchownSync(fd, owner.uid, owner.gid);
    fs.writeSync(fd, data);
  } finally {
    fs.closeSync(fd);
  }
}

/** Opens `file` for appending, refusing a symlink. */
export function openAppend(file: string, mode = 0o600): number {
  return fs.openSync(file, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW, mode);
}

/**
 * Opens a regular file owned by `owner` (default: this process's user) for reading, or returns
 * undefined (missing, a FIFO or anything else that is not a plain file, someone else's, or
 * reached through a symlink someone else could have planted: src/config/safe-open.ts).
 */
export function openRegular(file: string, owner?: number): number | undefined {
  return openOwnedFile(file, owner);
}

/** Reads `length` bytes of a regular file from `position` (-length from the end when negative). */
export function readRegular(file: string, length: number, position = 0, owner?: number): Buffer | undefined {
  const fd = openRegular(file, owner);
  if (fd === undefined) return undefined;
  try {
    return readAt(fd, length, position);
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads `length` bytes of an open file from `position` (-length from the end when negative). */
export function readAt(fd: number, length: number, position = 0): Buffer {
  const size = fs.fstatSync(fd).size;
  const start = position < 0 ? Math.max(0, size + position) : position;
  const buf = Buffer.alloc(Math.max(0, Math.min(length, size - start)));
  const n = fs.readSync(fd, buf, 0, buf.length, start);
  return buf.subarray(0, n);
}

/** Creates a directory (and its parents) owned by `owner`, never through a symlink at its place. */
export function ensureDir(dir: string, mode: number, owner?: Owner): void {
  try {
    fs.mkdirSync(dir, { mode });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      fs.mkdirSync(dir, { recursive: true, mode });
    } else if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw err;
    }
  }
  const st = fs.lstatSync(dir);
  if (!st.isDirectory()) throw new Error(`${dir} is not a directory`);
  if (owner && (st.uid !== owner.uid || st.gid !== owner.gid)) fs.lchownSync(dir, owner.uid, owner.gid);
  if ((st.mode & 0o7777) !== mode) fs.chmodSync(dir, mode);
}
