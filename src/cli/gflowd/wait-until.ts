// Polling for up, down, restart and reload. p-wait-for (6.0) waits between attempts with a
// sleep that adds an `abort` listener to one AbortSignal per attempt and keeps it until the
// whole wait ends, so a wait of more than 10 attempts (a slow start on a loaded machine)
// printed MaxListenersExceededWarning. Plain timers add nothing that outlives an attempt.
import { setTimeout as sleep } from 'node:timers/promises';

/** True once `ready()` is true; false when `timeoutMs` passed first. Errors of `ready` propagate. */
export async function waitUntil(ready: () => boolean | Promise<boolean>, o: { intervalMs: number; timeoutMs: number }): Promise<boolean> {
  const deadline = performance.now() + o.timeoutMs;
  for (;;) {
    if (await ready()) return true;
    const left = deadline - performance.now();
    if (left <= 0) return false;
    await sleep(Math.min(o.intervalMs, left));
  }
}
