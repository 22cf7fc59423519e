// The command tmux pipes a job's pane into (pipe-pane): it appends every byte to the log, or,
// with --max-log (or the maxLog setting), the first N bytes, then a line saying the log was cut
// there; the rest of the output is read and dropped. A cut log is complete once it has that line
// (src/executor/tmux/log-complete.ts): the wrapper's end mark, which comes later, is dropped too.
import { shellQuote } from '../../tmux/tmux.js';
import { formatBytes } from '../../core/size.js';

/** How a cut log ends. */
export const LOG_CUT_TAIL = 'the rest of the output was not kept]\n';

export function logPipeCommand(logFile: string, maxLogBytes: number | null): string {
  // cat by its path: the tmux server's PATH may be long, and sh would try each entry per job.
  if (maxLogBytes === null) return `exec /bin/cat >> ${shellQuote(logFile)}`;
  const notice = `\\n[gflow: the log stops here: it reached its --max-log of ${formatBytes(maxLogBytes)}; ${LOG_CUT_TAIL.replace('\n', '\\n')}`;
  // head stops at the cap, unbuffered so that each read reaches the log at once (`log -f`).
  return `{ /usr/bin/stdbuf -o0 /usr/bin/head -c ${maxLogBytes}; printf '${notice}'; exec /bin/cat > /dev/null; } >> ${shellQuote(logFile)}`;
}
