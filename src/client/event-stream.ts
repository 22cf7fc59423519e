// Follows the daemon's event stream (GET /v1/events) and survives a `gflowd reload` or a
// restart: on a lost connection it reconnects with Last-Event-ID and resumes after the last
// event it saw, so no event is missed or repeated.
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { createParser } from 'eventsource-parser';
import { ROUTES } from '../protocol/api.js';
import { GflowError, isErrorBody } from '../protocol/errors.js';
import { LAST_EVENT_HEADER, type EventType, type GflowEvent } from '../protocol/events.js';
import { DEFAULT_HOST } from '../protocol/version.js';
import { notRunning, type Client } from './client.js';

export interface FollowOptions {
  /** events after this id (absent: only new ones, after the `tail` newest) */
  after?: number;
  /** without `after`: first the newest N events */
  tail?: number;
  job?: number;
  types?: readonly EventType[];
  /** false: the stored events, then stop */
  follow?: boolean;
  /** stop following */
  signal?: AbortSignal;
  /** how long the daemon may be unreachable before giving up (a reload takes well under a second) */
  unreachableMs?: number;
  /** called each time the stream (re)opens: what happened before is in the stream from then on */
  onOpen?: () => void;
}

/** Events as they come, in order, each once. */
export async function* followEvents(client: Client, o: FollowOptions = {}): AsyncGenerator<GflowEvent> {
  /** the last event yielded */
  let last = o.after;
  /** where a reconnect resumes when nothing was yielded yet: the newest id when the stream first opened */
  let floor: number | undefined;
  let unreachableSince: number | null = null;
  const follow = o.follow ?? true;
  for (let attempt = 0; !o.signal?.aborted; attempt++) {
    const queue: GflowEvent[] = [];
    let wake: (() => void) | null = null;
    let ended = false;
    let failure: unknown = null;
    let res: http.IncomingMessage;
    try {
      const after = last ?? floor;
      res = await open(client, pathFor(o, after, follow), after, o.signal);
      // Asked only for new events: if this connection drops, resume after what was newest now.
      floor ??= Number(res.headers[LAST_EVENT_HEADER]) || 0;
      unreachableSince = null;
      attempt = 0;
      o.onOpen?.();
    } catch (err) {
      if (err instanceof GflowError || o.signal?.aborted) throw err;
      unreachableSince ??= Date.now();
      if (Date.now() - unreachableSince > (o.unreachableMs ?? 15_000)) throw notRunning(client.port);
      await sleep(Math.min(1000, 25 * 2 ** attempt));
      continue;
    }
    const parser = createParser({
      onEvent(m) {
        try {
          queue.push(JSON.parse(m.data) as GflowEvent);
        } catch {
          // a broken line cannot be an event of ours: skip it
        }
        wake?.();
      },
    });
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => parser.feed(chunk));
    const done = (): void => {
      ended = true;
      wake?.();
    };
    res.on('end', done);
    res.on('close', done);
    res.on('error', (err) => {
      failure = err;
      done();
    });
    for (;;) {
      const e = queue.shift();
      if (e) {
        if (last === undefined || e.id > last) {
          last = e.id;
          yield e;
        }
        continue;
      }
      if (ended || o.signal?.aborted) break;
      await new Promise<void>((r) => (wake = r));
      wake = null;
    }
    res.destroy();
    if (!follow && failure === null) return;
    // The daemon went away (a reload hands over; a restart comes back): resume after `last`.
    await sleep(failure === null ? 20 : 100);
  }
}

function pathFor(o: FollowOptions, after: number | undefined, follow: boolean): string {
  const q = new URLSearchParams();
  if (after !== undefined) q.set('after', String(after));
  else if (o.tail !== undefined) q.set('tail', String(o.tail));
  if (o.job !== undefined) q.set('job', String(o.job));
  if (o.types?.length) q.set('types', o.types.join(','));
  if (!follow) q.set('follow', '0');
  const text = q.toString();
  return text ? `${ROUTES.events}?${text}` : ROUTES.events;
}

function open(client: Client, path: string, last: number | undefined, signal?: AbortSignal): Promise<http.IncomingMessage> {
  const headers: Record<string, string> = { accept: 'text/event-stream', ...client.authHeaders() };
  if (last !== undefined) headers['last-event-id'] = String(last);
  return new Promise((resolve, reject) => {
    const req = http.get({ host: DEFAULT_HOST, port: client.port, path, headers, signal }, (res) => {
      if (res.statusCode === 200) return resolve(res);
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        let body: unknown = null;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          // not ours
        }
        reject(isErrorBody(body) ? GflowError.fromBody(body) : new GflowError('daemon_unhealthy', `unexpected answer ${res.statusCode} to the event stream`, 'check `gflowd status`'));
      });
    });
    req.on('error', reject);
  });
}
