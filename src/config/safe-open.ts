// Opening a path without following a link someone else planted. A shared daemon (root) reads
// files in directories its users control (users/<uid>/logs, …/status): O_NOFOLLOW guards only
// the last name of a path, so a user who swaps `logs` for a link to a root-only directory would
// have root read through it. Node has no openat(2); opening `/proc/self/fd/<dir fd>/<name>`
// resolves one name relative to an open directory, so a path is walked name by name from `/`,
// each directory held by its descriptor (a rename or swap after it was opened changes nothing).
//
// The rule: a symlink is followed only inside a directory that nobody but this process's user
// (or root) can write to: owned by one of them and not writable by group or others. Root's own
// links (/var/run -> /run) still work; a link in a user's directory or in /tmp is refused, and
// so is everything below it. The file itself must be a regular file (not a FIFO: opened
// non-blocking) owned by the expected owner (a hard link to someone else's file is refused).
import fs from 'node:fs';
import path from 'node:path';

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK } = fs.constants;
const MY_UID = process.getuid?.() ?? 0;

/** The path through which the kernel reaches what an open descriptor refers to (for fs.watch). */
export function fdPath(fd: number): string {
  return `/proc/self/fd/${fd}`;
}

// Only this process's user or root could have placed a link here.
function trusted(dir: fs.Stats): boolean {
  return (dir.uid === MY_UID || dir.uid === 0) && (dir.mode & 0o022) === 0;
}

function openName(dirFd: number, name: string, flags: number, dir: fs.Stats): number {
  const at = `${fdPath(dirFd)}/${name}`;
  try {
    return fs.openSync(at, flags | O_NOFOLLOW);
  } catch (err) {
    // A symlink (ELOOP; ENOTDIR when a directory was asked for): followed only where nobody
    // else could have put it.
    const code = (err as NodeJS.ErrnoException).code;
    if ((code !== 'ELOOP' && code !== 'ENOTDIR') || !trusted(dir) || !fs.lstatSync(at).isSymbolicLink()) throw err;
    return fs.openSync(at, flags);
  }
}

/**
 * Opens `target` (a directory with `directory`, else a file) name by name; throws as open(2)
 * would (ELOOP for a refused link).
 */
function walk(target: string, lastFlags: number): number {
  const names = path.resolve(target).split('/').filter((n) => n !== '');
  let fd = fs.openSync('/', O_RDONLY | O_DIRECTORY);
  try {
    for (const [i, name] of names.entries()) {
      const last = i === names.length - 1;
      const next = openName(fd, name, last ? lastFlags : O_RDONLY | O_DIRECTORY, fs.fstatSync(fd));
      fs.closeSync(fd);
      fd = next;
    }
    return fd;
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

/**
 * Opens a regular file owned by `owner` (default: this process's user) for reading: its
 * descriptor, 'missing', or 'refused' (reached through a link someone else could plant, not a
 * plain file, or someone else's).
 */
export function openOwned(file: string, owner = MY_UID): number | 'missing' | 'refused' {
  let fd: number;
  try {
    fd = walk(file, O_RDONLY | O_NONBLOCK);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'refused';
  }
  const st = fs.fstatSync(fd);
  if (st.isFile() && st.uid === owner) return fd;
  fs.closeSync(fd);
  return 'refused';
}

/** openOwned, with undefined for a file that is missing or refused. */
export function openOwnedFile(file: string, owner = MY_UID): number | undefined {
  const fd = openOwned(file, owner);
  return typeof fd === 'number' ? fd : undefined;
}

/** Opens a directory the same way (for watching it through fdPath), or returns undefined. */
export function openDirectory(dir: string): number | undefined {
  try {
    return walk(dir, O_RDONLY | O_DIRECTORY);
  } catch {
    return undefined;
  }
}
