// Signal names as users type them (`USR1`, `SIGUSR1`, `10`), and `--signal SIG[@SECONDS]`.
import os from 'node:os';
import { GflowError } from '../protocol/errors.js';

/** The signal's name (SIGUSR1), from a name with or without SIG, or a number. */
export function parseSignal(text: string): NodeJS.Signals {
  const t = text.trim().toUpperCase();
  const signals = os.constants.signals as Record<string, number>;
  const byNumber = /^\d+$/.test(t) ? Object.keys(signals).find((k) => signals[k] === Number(t)) : undefined;
  const name = byNumber ?? (t.startsWith('SIG') ? t : `SIG${t}`);
  if (!(name in signals) || name === 'SIGBREAK' || name === 'SIGLOST') throw new GflowError('usage', `unknown signal '${text}'`, 'use a name like USR1, TERM, INT or SIGUSR2, or its number (`kill -l` lists them)');
  return name as NodeJS.Signals;
}

/** Slurm's `--signal [B:]SIG[@SECONDS]`: that signal SECONDS (default 60) before the time limit. */
export function parseSignalSpec(text: string): { signal: NodeJS.Signals; beforeSec: number } {
  const m = /^(?:B:)?([A-Za-z0-9]+)(?:@(\d+))?$/.exec(text.trim());
  if (!m) throw new GflowError('usage', `invalid --signal '${text}'`, 'use SIG@SECONDS, e.g. --signal USR1@120');
  const beforeSec = m[2] === undefined ? 60 : Number(m[2]);
  if (beforeSec < 1 || beforeSec > 365 * 86400) throw new GflowError('usage', `invalid --signal '${text}'`, 'give 1 or more seconds before the time limit');
  return { signal: parseSignal(m[1]!), beforeSec };
}

/**
 * A warning signal (`--signal SIG@SECONDS`) is sent SECONDS before the time limit, while the job
 * runs: it needs a time limit longer than SECONDS. The one rule for the CLI's flags and the
 * daemon's check of a request, said as the error both give.
 */
export function checkWarnSignal(beforeSec: number, timeLimitSec: number | null | undefined): void {
  if (timeLimitSec === null || timeLimitSec === undefined) {
    throw new GflowError('bad_request', 'the warning signal is sent before the time limit, and the job has none', `add a time limit longer than ${beforeSec} s (-t/--time)`);
  }
  if (beforeSec >= timeLimitSec) {
    throw new GflowError('bad_request', `the warning signal ${beforeSec} s before the time limit would be due before the job starts: its time limit is ${timeLimitSec} s`, 'give fewer seconds (--signal SIG@SECONDS), or a longer time limit (-t/--time)');
  }
}
