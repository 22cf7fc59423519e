// The end of a job's log for a tool: its last lines, rendered as a terminal shows them (no
// escape sequences, progress bars at their last state), never more than a bounded size, read
// in blocks from the end (a log of any size costs the same).
import fs from 'node:fs';
import { LogRenderer } from '../client/log-text.js';
import { lastLinesStart, logSize, openLog, pump } from '../client/log-read.js';

export interface LogTail {
  text: string;
  /** the log's size in bytes (null: no log yet) */
  size: number | null;
  /** earlier output was left out (more lines than asked, or more bytes than allowed) */
  cut: boolean;
}

export async function logTail(file: string, lines: number, maxBytes: number): Promise<LogTail> {
  const fd = openLog(file);
  if (fd === null) return { text: '', size: null, cut: false };
  try {
    const size = logSize(fd);
    const byLines = lastLinesStart(fd, size, lines);
    const from = Math.max(byLines, size - maxBytes);
    const r = new LogRenderer();
    let out = '';
    await pump(fd, from, size, (chunk) => {
      out += r.write(chunk);
      return true;
    });
    out += r.end();
    // A cut by bytes starts within a line: drop that partial line.
    if (from > byLines) out = out.slice(out.indexOf('\n') + 1);
    return { text: out, size, cut: from > 0 };
  } finally {
    fs.closeSync(fd);
  }
}
