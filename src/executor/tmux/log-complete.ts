// A job's log is complete when it ends with the wrapper's end mark: tmux copies the pane's
// output to the log a few milliseconds after the job printed it.
import fs from 'node:fs';
import { END_MARK } from './wrapper.js';

function endsWithMark(file: string): boolean {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const buf = Buffer.alloc(Math.min(size, 64));
      fs.readSync(fd, buf, 0, buf.length, size - buf.length);
      return buf.toString('latin1').includes(END_MARK);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
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
