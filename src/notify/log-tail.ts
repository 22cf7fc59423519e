// The last lines of a job's log for an e-mail: a bounded read of a regular file owned by the
// job's owner (a shared daemon reads its users' logs: no link a user planted is followed, no
// FIFO; src/config/safe-open.ts), rendered as a terminal shows it.
import { readRegular } from '../config/safe-file.js';
import { renderLog } from '../client/log-text.js';

const TAIL_BYTES = 16 * 1024;
const TAIL_LINES = 20;

export function readLogTail(file: string, owner?: number): string | null {
  const buf = readRegular(file, TAIL_BYTES, -TAIL_BYTES, owner);
  if (buf === undefined) return null;
  const lines = renderLog(buf.toString('utf8')).split('\n');
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  return lines.slice(-TAIL_LINES).map((l) => (l.length > 300 ? `${l.slice(0, 300)}…` : l)).join('\n');
}
