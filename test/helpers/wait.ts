// Waiting in tests, on the daemon tools' own loop (src/cli/gflowd/wait-until.ts): p-wait-for adds
// an abort listener per attempt and printed MaxListenersExceededWarning in waits of more than
// ten attempts.
import { waitUntil } from '../../src/cli/gflowd/wait-until.js';

export interface PollOptions {
  /** ms between attempts (default 20) */
  interval?: number;
  /** ms before giving up (default: never), with what the error says */
  timeout?: number | { milliseconds: number; message?: string | (() => string) };
}

/** Resolves once `ready()` is true; rejects when the timeout passes first. */
export async function pollUntil(ready: () => boolean | Promise<boolean>, o: PollOptions = {}): Promise<void> {
  const timeout = typeof o.timeout === 'number' ? { milliseconds: o.timeout } : (o.timeout ?? { milliseconds: Infinity });
  if (await waitUntil(ready, { intervalMs: o.interval ?? 20, timeoutMs: timeout.milliseconds })) return;
  const message = typeof timeout.message === 'function' ? timeout.message() : timeout.message;
  throw new Error(message ?? `not true after ${timeout.milliseconds} ms`);
}
