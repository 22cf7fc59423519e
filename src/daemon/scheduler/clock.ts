// Time as the scheduler sees it: the system clock in the daemon, a hand-driven one in tests.
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

// setTimeout holds at most ~24.8 days; longer waits are re-armed on the way.
export const MAX_TIMER_MS = 2 ** 31 - 1;
