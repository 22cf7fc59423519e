// A daemon started by \`gflowd reload\` must not outlive a reload abandoned before the hand-over
// (the command killed, the terminal closed): two daemons of one state directory would go on
// serving side by side. Until the daemon it replaces is gone, it watches the reload command, and
// stops when that command is gone first.
import { isAlive, markedProcess } from '../executor/proc.js';
import { RELOAD_BY_ENV, RELOAD_OF_ENV } from '../protocol/events.js';

/** The reason given to the daemon's shutdown. */
export const ABANDONED = 'abandoned';

const CHECK_MS = 250;

export function watchAbandonedReload(onAbandoned: () => void, env: NodeJS.ProcessEnv = process.env): void {
  const by = env[RELOAD_BY_ENV];
  const of = Number(env[RELOAD_OF_ENV]);
  if (!by || !Number.isInteger(of) || of <= 0) return;
  const timer = setInterval(() => {
    // The old daemon is gone: the hand-over happened (or it died); this one is the daemon now.
    if (!isAlive(of)) return clearInterval(timer);
    if (markedProcess(by) !== undefined) return;
    clearInterval(timer);
    onAbandoned();
  }, CHECK_MS);
  timer.unref();
}
