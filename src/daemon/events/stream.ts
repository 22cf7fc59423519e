// GET /v1/events: the event log as Server-Sent Events. The backlog after the client's last id
// (`Last-Event-ID`, or `after=`) is sent first, then new events as they commit. A client that
// falls far behind is cut off; it reconnects and resumes from the log, so it loses nothing.
import type http from 'node:http';
import { isEventType, LAST_EVENT_HEADER, type EventsQuery, type EventType, type GflowEvent } from '../../protocol/events.js';
import { PROTOCOL_HEADER } from '../../protocol/api.js';
import { GflowError } from '../../protocol/errors.js';
import { PROTOCOL_VERSION } from '../../protocol/version.js';
import type { JobStore } from '../../store/jobs.js';
import type { EventHub } from './hub.js';

const BATCH = 1000;
/** without `after`, a stream that ends (follow=0) sends this many of the newest events */
const DEFAULT_TAIL = 100;
const MAX_TAIL = 100_000;
const HEARTBEAT_MS = 15_000;
/** unsent bytes after which a slow client is cut off (it resumes where it was) */
const MAX_BUFFERED = 8 * 1024 * 1024;

export function parseEventsQuery(params: URLSearchParams, lastEventId: string | undefined): EventsQuery {
  const q: EventsQuery = { follow: params.get('follow') !== '0' };
  const after = lastEventId ?? params.get('after') ?? undefined;
  if (after !== undefined) q.after = wholeNumber('after', after);
  const tail = params.get('tail');
  if (tail !== null) q.tail = Math.min(wholeNumber('tail', tail), MAX_TAIL);
  const job = params.get('job');
  if (job !== null) q.job = wholeNumber('job', job);
  const types = params.get('types');
  if (types) {
    const list = types.split(',');
    const bad = list.find((t) => !isEventType(t));
    if (bad !== undefined) throw new GflowError('bad_request', `unknown event type: ${bad}`, 'see `gflow events --help` for the types');
    q.types = list as EventType[];
  }
  return q;
}

function wholeNumber(name: string, text: string): number {
  if (!/^\d{1,15}$/.test(text)) throw new GflowError('bad_request', `${name} must be a whole number, got ${JSON.stringify(text.slice(0, 40))}`, `pass the id of the last event seen as ${name}`);
  return Number(text);
}

// The hub hands the same event objects to every stream: each is encoded once, not once per client.
const frames = new WeakMap<GflowEvent, string>();

const batches = new WeakMap<readonly GflowEvent[], string>();

function batchText(events: readonly GflowEvent[]): string {
  let text = batches.get(events);
  if (text === undefined) batches.set(events, (text = events.map(frame).join('')));
  return text;
}

function frame(e: GflowEvent): string {
  let text = frames.get(e);
  if (text === undefined) frames.set(e, (text = `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`));
  return text;
}

export async function streamEvents(store: JobStore, hub: EventHub, q: EventsQuery, res: http.ServerResponse): Promise<void> {
  // The newest id now: a client that asked only for new events resumes after it if cut off early.
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', [LAST_EVENT_HEADER]: String(store.events.lastId()), [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) });
  res.write('retry: 1000\n\n');
  const filter = { job: q.job, types: q.types };
  const unfiltered = q.job === undefined && !q.types;
  const wanted = (e: GflowEvent): boolean => (q.job === undefined || e.job === q.job) && (!q.types || q.types.includes(e.type));
  let last: number;
  if (q.after === undefined) {
    // The newest events (a few, or none): read in this tick, with the id the stream goes on from.
    last = store.events.lastId();
    const tail = q.tail ?? (q.follow ? 0 : DEFAULT_TAIL);
    if (tail > 0) res.write(store.events.latest(filter, tail).map(frame).join(''));
  } else {
    last = q.after;
    // The backlog, a batch at a time, waiting for the client to take each.
    for (;;) {
      const batch = store.events.since({ ...filter, after: last, limit: BATCH });
      if (batch.length > 0) last = batch[batch.length - 1]!.id;
      const text = batch.map(frame).join('');
      if (batch.length < BATCH) {
        // Caught up: from here on the hub delivers, with nothing between (same tick).
        if (text) res.write(text);
        break;
      }
      if (!res.write(text)) await new Promise((r) => res.once('drain', r));
      if (res.destroyed) return;
    }
  }
  if (!q.follow) {
    res.end();
    return;
  }
  // Everything committed so far was read above; the hub's batches may repeat some of it.
  last = Math.max(last, store.events.lastId());
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  const remove = hub.add({
    deliver(events) {
      // Unfiltered and not behind: the batch's text, made once for every such client.
      const text = unfiltered && events.length > 0 && events[0]!.id > last ? batchText(events) : events.filter((e) => e.id > last && wanted(e)).map(frame).join('');
      if (events.length > 0) last = Math.max(last, events[events.length - 1]!.id);
      if (text) res.write(text);
      if (res.writableLength > MAX_BUFFERED) res.destroy();
    },
    close() {
      res.end();
    },
  });
  res.on('close', () => {
    clearInterval(heartbeat);
    remove();
  });
}
