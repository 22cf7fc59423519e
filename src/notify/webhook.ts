// A webhook: POST of the notification as JSON, with the delivery's id as a header (and in the
// body), the rule's headers, and a time limit. Any 2xx is a delivery; anything else is retried.
import { DELIVERY_HEADER, EVENT_HEADER, type Notification } from '../protocol/notify.js';
import { packageVersion } from '../version.js';

export async function sendWebhook(url: string, headers: Record<string, string>, n: Notification, timeoutMs: number): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      ...headers,
      'content-type': 'application/json',
      'user-agent': `gflow/${packageVersion()}`,
      [DELIVERY_HEADER]: n.delivery,
      'idempotency-key': n.delivery,
      [EVENT_HEADER]: n.event?.type ?? 'test',
    },
    body: JSON.stringify(n),
    // A redirect could carry the body elsewhere; a receiver gives its final address.
    redirect: 'error',
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await head(res, 200);
  if (!res.ok) throw new Error(`HTTP ${res.status}${text.trim() ? `: ${text.trim()}` : ''}`);
}

// The start of the answer (for the log), then the rest dropped: a receiver cannot make the
// daemon read without end.
async function head(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // the answer's body is not needed
  } finally {
    void reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, max);
}
