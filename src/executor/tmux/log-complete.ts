// A job's log is complete when it ends with the wrapper's end mark (or, cut by --max-log, with
// the line that says so): tmux copies the pane's output to the log a few milliseconds after
// the job printed it.
import fs from 'node:fs';
import { openRegular, readAt } from '../../config/safe-file.js';
import { fdPath } from '../../config/safe-open.js';
import { END_MARK } from './wrapper.js';
import { LOG_CUT_TAIL } from './log-pipe.js';

function endsWithMark(fd: number): boolean {
  const tail = readAt(fd, 64, -64).toString('latin1');
  return tail.includes(END_MARK) || tail.endsWith(LOG_CUT_TAIL);
}

/**
 * Resolves once the log ends with the end mark, or after `timeoutMs` (a pane killed early never
 * writes it). `owner`: the job's; the log is opened once, safely, and watched through its
 * descriptor (src/config/safe-open.ts).
 */
export function whenLogComplete(file: string, owner?: number, timeoutMs = 2000): Promise<void> {
  const fd = openRegular(file, owner);
  if (fd === undefined) return new Promise((resolve) => setTimeout(resolve, timeoutMs)); // no log yet: wait for the timeout
  return new Promise<void>((resolve) => {
    let watcher: fs.FSWatcher | undefined;
    const done = (): void => {
      clearTimeout(timer);
      watcher?.close();
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    if (endsWithMark(fd)) return done();
    try {
      watcher = fs.watch(fdPath(fd), () => {
        if (endsWithMark(fd)) done();
      });
    } catch {
      // not watchable: wait for the timeout
    }
    if (endsWithMark(fd)) done(); // written between the first check and the watch
  }).finally(() => fs.closeSync(fd));
}
