// The last lines of a job's log for an e-mail: a bounded read of a regular file (a shared
// daemon reads its users' logs: no symlink followed, no FIFO), rendered as a terminal shows it.
import { readRegular } from '../executor/safe-file.js';
import { renderLog } from '../cli/log-text.js';

const TAIL_BYTES = 16 * 1024;
const TAIL_LINES = 20;

export function readLogTail(file: string): string | null {
  const buf = readRegular(file, TAIL_BYTES, -TAIL_BYTES);
  if (buf === undefined) return null;
  const lines = renderLog(buf.toString('utf8')).split('\n');
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  return lines.slice(-TAIL_LINES).map((l) => (l.length > 300 ? `${l.slice(0, 300)}…` : l)).join('\n');
}
