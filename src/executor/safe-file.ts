// Files gflow creates in its state directory never follow a symlink someone planted there:
// whatever is at the path is removed and a new file is created with O_EXCL | O_NOFOLLOW.
import fs from 'node:fs';

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_APPEND } = fs.constants;

/** Creates `file` afresh (a symlink or old file at its place is removed) and writes `data`. */
export function writeFresh(file: string, data: string, mode = 0o600): void {
  fs.rmSync(file, { force: true });
  const fd = fs.openSync(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
  try {
    fs.writeSync(fd, data);
  } finally {
    fs.closeSync(fd);
  }
}

/** Opens `file` for appending, refusing a symlink. */
export function openAppend(file: string, mode = 0o600): number {
  return fs.openSync(file, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW, mode);
}
