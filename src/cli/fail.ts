// The one place where the CLI reports an error: one line (plus a hint), then the exit code.
// Exit codes: 0 ok, 1 failure, 2 usage error.
import path from 'node:path';
import { GflowError, toGflowError } from '../protocol/errors.js';

export function exitCodeOf(err: GflowError): number {
  return err.code === 'usage' ? 2 : 1;
}

export function reportAndExit(err: unknown): never {
  const e = toGflowError(err);
  const hint = e.hint ? `\n  hint: ${e.hint}` : '';
  const program = path.basename(process.argv[1] ?? 'gflow');
  process.stderr.write(`${program}: ${e.message}${hint}\n`);
  if (process.env.GFLOW_DEBUG && e.cause instanceof Error) process.stderr.write(`${e.cause.stack}\n`);
  process.exit(exitCodeOf(e));
}

export function usage(message: string, hint?: string): GflowError {
  return new GflowError('usage', message, hint);
}
