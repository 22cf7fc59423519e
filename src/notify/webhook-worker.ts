// A user's webhook sender: run as the rule's owner (src/notify/user-senders.ts starts it with
// setpriv), so every receiver — the daemon's own API included — sees that user's UID on the
// connection, never root's. It reads one request per line on stdin and answers one line per
// request on stdout, in any order, by the request's id; several run at once. It exits when its
// stdin ends and its last request is answered (the daemon closes stdin when it stops, or after
// the user's senders were idle a while; a daemon killed outright closes it too).
import type { Notification } from '../protocol/notify.js';
import { failureText } from './failure.js';
import { sendWebhook } from './webhook.js';

/** One webhook to send, as the daemon writes it (one JSON line). */
export interface WebhookRequest {
  id: number;
  url: string;
  headers: Record<string, string>;
  notification: Notification;
  timeoutMs: number;
}

/** The answer (one JSON line): error null when the receiver accepted it. */
export interface WebhookAnswer {
  id: number;
  error: string | null;
}

// A request is a notification of a few KB and at most 20 headers of 4 KB: a longer line is
// not the daemon's, and is dropped.
const MAX_REQUEST_LINE = 256 * 1024;

async function handle(line: string): Promise<void> {
  let req: WebhookRequest;
  try {
    req = JSON.parse(line) as WebhookRequest;
  } catch {
    return;
  }
  let error: string | null = null;
  try {
    await sendWebhook(req.url, req.headers, req.notification, req.timeoutMs);
  } catch (err) {
    error = failureText(err, req.timeoutMs);
  }
  process.stdout.write(`${JSON.stringify({ id: req.id, error } satisfies WebhookAnswer)}\n`);
}

function main(): void {
  let buffer = '';
  // The daemon gone, its answers have no reader: the requests in flight still end, then node exits.
  process.stdout.on('error', () => {});
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      void handle(line);
    }
    if (buffer.length > MAX_REQUEST_LINE) buffer = '';
  });
}

main();
