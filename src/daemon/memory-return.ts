// Giving memory back after a burst. Acting on 20,000 jobs at once (a cancel, a clean, an
// array's submission) leaves hundreds of MB of garbage, and V8 collects it only when the
// daemon next allocates enough, which an idle daemon never does: its RSS stayed at 600 MB.
// After a burst, one full collection runs once things are quiet, and V8 returns the pages.
import v8 from 'node:v8';
import vm from 'node:vm';

/** Jobs in one request from which a burst is worth a collection. */
export const BURST_JOBS = 1000;
const QUIET_MS = 2000;

// `--expose-gc` set at run time: the function exists in contexts created afterwards.
v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as (() => void) | undefined;

let timer: NodeJS.Timeout | undefined;

/** Asks for a full collection QUIET_MS after the last burst. */
export function afterBurst(jobs: number): void {
  if (jobs < BURST_JOBS || typeof collect !== 'function') return;
  clearTimeout(timer);
  timer = setTimeout(() => collect(), QUIET_MS);
  timer.unref();
}
