// A job's log is complete when it ends with the wrapper's end mark (or, cut by --max-log, with
// the line that says so): tmux copies the pane's output to the log a few milliseconds after
// the job printed it.
import fs from 'node:fs';
import { readRegular } from '../safe-file.js';
import { END_MARK } from './wrapper.js';
import { LOG_CUT_TAIL } from './log-pipe.js';

function endsWithMark(file: string): boolean {
  const tail = readRegular(file, 64, -64)?.toString('latin1');
  return tail !== undefined && (tail.includes(END_MARK) || tail.endsWith(LOG_CUT_TAIL));
}

/** Resolves once the log ends with the end mark, or after `timeoutMs` (a pane killed early never writes it). */
export function whenLogComplete(file: string, timeoutMs = 2000): Promise<void> {
  if (endsWithMark(file)) return Promise.resolve();
  return new Promise((resolve) => {
    let watcher: fs.FSWatcher | undefined;
    const done = (): void => {
      clearTimeout(timer);
      watcher?.close();
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    try {
      watcher = fs.watch(file, () => {
        if (endsWithMark(file)) done();
      });
    } catch {
      // no log at all: wait for the timeout
    }
    if (endsWithMark(file)) done(); // written between the first check and the watch
  });
}
