// Keeps the page live from the daemon's event stream (GET /v1/events). EventSource reconnects
// by itself after a `gflowd reload` and sends Last-Event-ID, so the new daemon replays what was
// missed; if the browser gives up (an error answer while the daemon was away), a new stream
// starts after the last event seen. A slow poll stays on as a safety net.
import { ROUTES } from '../../protocol/api.js';
import { EVENT_TYPES, type GflowEvent } from '../../protocol/events.js';

export type LiveState = 'live' | 'connecting' | 'polling';

const SAFETY_POLL_MS = 30_000;
const NO_STREAM_POLL_MS = 5_000;

export class Live {
  private source: EventSource | undefined;
  private lastId: number | undefined;
  private listeners: ((e: GflowEvent | null) => void)[] = [];
  private stateListeners: ((s: LiveState) => void)[] = [];
  private poll: number | undefined;
  private retryMs = 500;
  private stopped = false;
  state: LiveState = 'connecting';

  /** fn(event) for every event, fn(null) when the page should simply refresh everything. */
  onChange(fn: (e: GflowEvent | null) => void): void {
    this.listeners.push(fn);
  }

  onState(fn: (s: LiveState) => void): void {
    this.stateListeners.push(fn);
  }

  start(): void {
    this.connect();
    this.setPoll(SAFETY_POLL_MS);
  }

  stop(): void {
    this.stopped = true;
    this.source?.close();
    if (this.poll !== undefined) clearInterval(this.poll);
  }

  private emit(e: GflowEvent | null): void {
    for (const fn of this.listeners) fn(e);
  }

  private setState(s: LiveState): void {
    if (s === this.state) return;
    this.state = s;
    for (const fn of this.stateListeners) fn(s);
  }

  private setPoll(ms: number): void {
    if (this.poll !== undefined) clearInterval(this.poll);
    this.poll = window.setInterval(() => this.emit(null), ms);
  }

  private connect(): void {
    if (this.stopped) return;
    // tail=1: the newest event gives the stream an id to resume from (Last-Event-ID) at once.
    const url = this.lastId === undefined ? `${ROUTES.events}?tail=1` : `${ROUTES.events}?after=${this.lastId}`;
    const es = new EventSource(url, { withCredentials: true });
    this.source = es;
    es.onopen = () => {
      this.retryMs = 500;
      this.setState('live');
      this.setPoll(SAFETY_POLL_MS);
      // Whatever happened while away is replayed as events; a refresh makes sure of the rest.
      this.emit(null);
    };
    const onEvent = (m: MessageEvent<string>): void => {
      let e: GflowEvent;
      try {
        e = JSON.parse(m.data) as GflowEvent;
      } catch {
        return;
      }
      if (typeof e.id === 'number') this.lastId = Math.max(this.lastId ?? 0, e.id);
      this.emit(e);
    };
    es.onmessage = onEvent;
    for (const t of EVENT_TYPES) es.addEventListener(t, onEvent as EventListener);
    es.onerror = () => {
      if (es.readyState === EventSource.CONNECTING) {
        this.setState('connecting');
        return;
      }
      // Closed for good (the daemon answered with an error, or has no event stream):
      // start a new stream after the last event seen, and poll meanwhile.
      es.close();
      this.setState('polling');
      this.setPoll(NO_STREAM_POLL_MS);
      window.setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 15_000);
    };
  }
}
