// The tmux socket directories of a shared daemon's users (src/config/paths.ts jobTmuxTmpdir):
// <state>/tmux, root's (0755), holding tmux-<uid>, the user's (0700), which is what tmux
// wants before it puts a server's socket there. Only root can create anything in <state>/tmux,
// so whatever is found there is ours: a wrong owner or mode is put right, and anything that is
// not a directory is removed and made again.
import fs from 'node:fs';
import path from 'node:path';
import { ensureDir, type Owner } from '../../config/safe-file.js';

const ROOT: Owner = { uid: 0, gid: 0 };

/** Makes (or puts right) the socket directory of `owner`'s tmux server under `base`; returns `base`. */
export function ensureSocketDir(base: string, owner: Owner): string {
  ownedDir(base, 0o755, ROOT);
  ownedDir(path.join(base, `tmux-${owner.uid}`), 0o700, owner);
  return base;
}

function ownedDir(dir: string, mode: number, owner: Owner): void {
  let st: fs.Stats | undefined;
  try {
    st = fs.lstatSync(dir);
  } catch {
    // not there yet
  }
  // A symlink, a file, a socket: removed (a symlink itself, never what it points to).
  if (st && !st.isDirectory()) fs.rmSync(dir, { force: true });
  ensureDir(dir, mode, owner);
}
