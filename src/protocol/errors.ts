// Errors are values: a stable code, a one-line message and a hint that says what to do next.
// The daemon sends them as JSON bodies; the CLI prints them in one place (src/cli/fail.ts).

export type ErrorCode =
  | 'bad_request'
  | 'bad_json'
  | 'body_too_large'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_many_connections'
  | 'usage'
  | 'daemon_not_running'
  | 'daemon_unhealthy'
  | 'port_in_use'
  | 'start_failed'
  | 'protocol_mismatch'
  | 'internal';

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  hint?: string;
  /** a request field that was refused, and what was expected of it: a client can say it in its own words */
  field?: FieldProblem;
}

export interface FieldProblem {
  /** as sent: `timeLimitSec`, `command[2]`, `env.PATH`, `tasks[3].name` */
  name: string;
  expected: string;
}

const HTTP_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  bad_json: 400,
  usage: 400,
  body_too_large: 413,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_many_connections: 429,
  daemon_not_running: 503,
  daemon_unhealthy: 503,
  port_in_use: 500,
  start_failed: 500,
  protocol_mismatch: 400,
  internal: 500,
};

export class GflowError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly field: FieldProblem | undefined;

  constructor(code: ErrorCode, message: string, hint?: string, options?: { cause?: unknown; field?: FieldProblem }) {
    super(message, options);
    this.name = 'GflowError';
    this.code = code;
    this.hint = hint;
    this.field = options?.field;
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message, ...(this.hint === undefined ? {} : { hint: this.hint }), ...(this.field ? { field: this.field } : {}) };
  }

  static fromBody(body: ErrorBody): GflowError {
    const f = body.field;
    const field = f && typeof f.name === 'string' && typeof f.expected === 'string' ? { name: f.name, expected: f.expected } : undefined;
    return new GflowError(body.code, body.message, body.hint, { field });
  }
}

// Turns anything thrown into a GflowError, keeping the original as `cause`.
export function toGflowError(err: unknown): GflowError {
  if (err instanceof GflowError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new GflowError('internal', message, undefined, { cause: err });
}

export function isErrorBody(value: unknown): value is ErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ErrorBody).code === 'string' &&
    typeof (value as ErrorBody).message === 'string'
  );
}

/** An error in what the user gave (a flag, a tool's input): the CLI exits 2 with it. */
export function usage(message: string, hint?: string): GflowError {
  return new GflowError('usage', message, hint);
}
