// Errors of a file gflow must write, in words a person can act on.
import fs from 'node:fs';
import { GflowError } from '../protocol/errors.js';

/**
 * A state directory or database gflowd may not write says so — whose it is, or that the
 * filesystem is read-only — instead of "move the database aside", which would lose the data
 * when only the permissions are wrong. undefined for other errors.
 */
export function accessProblem(target: string, err: unknown): GflowError | undefined {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const text = String((err as Error).message ?? '');
  const readOnlyFs = code === 'EROFS' || /read-only file ?system/i.test(text);
  if (!readOnlyFs && !['EACCES', 'EPERM'].includes(code) && !/readonly|unable to open database/i.test(text)) return undefined;
  const me = process.getuid?.() ?? 0;
  if (readOnlyFs) {
    return new GflowError('start_failed', `cannot write ${target}: it is on a read-only filesystem`, 'remount it read-write, or give gflowd another state directory (XDG_DATA_HOME); the data there is intact — do not move it aside', { cause: err });
  }
  let how = '';
  try {
    const st = fs.statSync(target);
    how = ` (owned by uid ${st.uid}, mode 0${(st.mode & 0o777).toString(8)}; gflowd runs as uid ${me})`;
  } catch {
    // the target itself may be what cannot be reached
  }
  return new GflowError('start_failed', `cannot write ${target}: permission denied${how}`, `give it back to the user who runs gflowd (e.g. \`sudo chown -R ${me} ${target}\` and mode 0700 for the directory, 0600 for files); the data there is intact — do not move it aside`, { cause: err });
}
