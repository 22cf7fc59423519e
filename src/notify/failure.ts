// How a failed delivery is told (in the daemon's log, `gflow notify list`, `gflow notify test`):
// one line naming the cause, the same whether the daemon or a user's sender process
// (src/notify/webhook-worker.ts) made the attempt.
export function failureText(err: unknown, timeoutMs: number): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${Math.round(timeoutMs / 1000)} s`;
  const cause = e.cause?.code ?? e.cause?.message;
  const message = typeof e.message === 'string' ? e.message : String(err);
  return cause && !message.includes(cause) ? `${message} (${cause})` : message;
}
