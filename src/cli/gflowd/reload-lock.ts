// One reload at a time: a lock file holding the reloading process's pid. A lock left by a
// process that died is taken over.
import fs from 'node:fs';
import path from 'node:path';
import { isAlive } from '../../executor/proc.js';
import { GflowError } from '../../protocol/errors.js';

export function acquireReloadLock(stateDir: string): () => void {
  const file = path.join(stateDir, 'reload.lock');
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return () => fs.rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(fs.readFileSync(file, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new GflowError('conflict', `a reload is already in progress (pid ${holder})`, 'wait for it to finish, then check `gflowd status`');
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new GflowError('conflict', 'could not take the reload lock', 'try again');
}
