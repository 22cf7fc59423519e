// What a tool answers: text for the model (JSON where the data is structured), and errors as
// tool errors — the gflow error's one line and its hint, as the CLI prints them — so the
// agent reads what to do next instead of the call failing.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { toGflowError, type ErrorCode } from '../protocol/errors.js';

export function text(...parts: string[]): CallToolResult {
  return { content: parts.map((t) => ({ type: 'text' as const, text: t })) };
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** A GflowError (or anything thrown) as a tool error. */
export function toolError(err: unknown): CallToolResult {
  const e = toGflowError(err);
  return { isError: true, content: [{ type: 'text', text: `${e.code}: ${e.message}${e.hint ? `\nhint: ${e.hint}` : ''}` }] };
}

/** Runs a tool's body; whatever it throws comes back as a tool error. */
export function guarded<A>(fn: (args: A) => Promise<CallToolResult>): (args: A) => Promise<CallToolResult> {
  return async (args) => {
    try {
      return await fn(args);
    } catch (err) {
      return toolError(err);
    }
  };
}

// Errors about the daemon or the caller, not about one job: acting on the next job is useless.
const STOPS_EVERYTHING: ReadonlySet<ErrorCode> = new Set(['daemon_not_running', 'daemon_unhealthy', 'unauthorized', 'protocol_mismatch']);

/**
 * Acts on each job (as the CLI's eachJob): a job's own error is reported and the others go
 * on; the answer is a tool error only when no job succeeded.
 */
export async function eachJobResult(ids: number[], act: (id: number) => Promise<string>): Promise<CallToolResult> {
  const lines: string[] = [];
  let failed = 0;
  for (const id of ids) {
    try {
      lines.push(await act(id));
    } catch (err) {
      const e = toGflowError(err);
      if (STOPS_EVERYTHING.has(e.code)) throw e;
      failed++;
      lines.push(`job ${id}: ${e.code}: ${e.message}${e.hint ? ` (hint: ${e.hint})` : ''}`);
    }
  }
  return { ...text(lines.join('\n')), ...(failed > 0 && failed === ids.length ? { isError: true } : {}) };
}
