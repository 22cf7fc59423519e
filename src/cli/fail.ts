// The one place where the CLI formats an error: one line (plus a hint). `reportAndExit` ends
// the command with it; `eachJob` is the one rule for commands that act on several jobs.
// Exit codes: 0 ok, 1 failure, 2 usage error (including a request the daemon refused as invalid).
import path from 'node:path';
import { GflowError, toGflowError, type ErrorCode } from '../protocol/errors.js';
import { fieldMessage } from './field-flags.js';

/** 2 for what the user typed (the CLI's checks, and the daemon's checks of a request), else 1. */
export function exitCodeOf(err: GflowError): number {
  return err.code === 'usage' || err.code === 'bad_request' ? 2 : 1;
}

/** Prints `<program>: <message>` and its hint on stderr; returns the error as a GflowError. */
export function printError(err: unknown): GflowError {
  const e = toGflowError(err);
  const hint = e.hint ? `\n  hint: ${e.hint}` : '';
  const program = path.basename(process.argv[1] ?? 'gflow');
  process.stderr.write(`${program}: ${e.field ? fieldMessage(e.field) : e.message}${hint}\n`);
  if (process.env.GFLOW_DEBUG && e.cause instanceof Error) process.stderr.write(`${e.cause.stack}\n`);
  return e;
}

export function reportAndExit(err: unknown): never {
  process.exit(exitCodeOf(printError(err)));
}

export { usage } from '../protocol/errors.js';

// Errors about the daemon or the caller, not about one job: every later job would get the same.
const STOPS_EVERYTHING: ReadonlySet<ErrorCode> = new Set(['daemon_not_running', 'daemon_unhealthy', 'unauthorized', 'protocol_mismatch']);

/**
 * Runs `act` for each job. A job's own error (unknown job, illegal move) is printed and the
 * others go on; an error about the daemon or the token stops at once (the caller's catch
 * reports it). The exit code is 1 if any job failed.
 */
export async function eachJob(ids: number[], act: (id: number) => Promise<void>): Promise<void> {
  for (const id of ids) {
    try {
      await act(id);
    } catch (err) {
      const e = toGflowError(err);
      if (STOPS_EVERYTHING.has(e.code)) throw e;
      printError(e);
      process.exitCode = 1;
    }
  }
}
