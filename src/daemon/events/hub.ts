// Delivers new events to the open streams. An append in this daemon pokes the hub (after the
// transaction, so the rows are committed); what the other daemon of a reload writes is noticed
// when its commit touches the WAL (the scheduler's watch calls `foreignChange`), with a slow
// check of the database's data_version as the safety net, only while someone listens.
import type { GflowEvent } from '../../protocol/events.js';
import type { JobStore } from '../../store/jobs.js';

/** One open stream: it filters and sends what it is given, and tracks its own last id. */
export interface EventSink {
  deliver(events: readonly GflowEvent[]): void;
  close(): void;
}

const BATCH = 1000;
const BATCH_MS = 15;

export class EventHub {
  private readonly sinks = new Set<EventSink>();
  /** the newest event handed to the sinks */
  private last: number;
  private scheduled = false;
  private poll: NodeJS.Timeout | null = null;
  private dataVersion = -1;
  private closed = false;

  constructor(
    private readonly store: JobStore,
    private readonly pollMs = 5000,
  ) {
    this.last = store.events.lastId();
    store.events.onAppend = () => this.poke();
  }

  /**
   * Something was appended: deliver once the current transaction has committed, gathering what
   * comes within a few ms into one batch (a drain commits hundreds of changes a second, and each
   * batch is one write per client).
   */
  poke(): void {
    if (this.scheduled || this.sinks.size === 0 || this.closed) return;
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      this.flush();
    }, BATCH_MS);
  }

  /** Adds a sink that has already been sent everything up to `upTo`. */
  add(sink: EventSink): () => void {
    // Closing (a hand-over): the stream ends at once and its client resumes from the next daemon.
    if (this.closed) {
      sink.close();
      return () => {};
    }
    this.sinks.add(sink);
    if (this.poll === null) {
      this.last = Math.max(this.last, this.store.events.lastId());
      this.poll = setInterval(() => this.check(), this.pollMs);
      this.poll.unref();
    }
    return () => {
      this.sinks.delete(sink);
      if (this.sinks.size === 0 && this.poll !== null) {
        clearInterval(this.poll);
        this.poll = null;
      }
    };
  }

  get listeners(): number {
    return this.sinks.size;
  }

  /** Another connection committed: delivers what it appended, if anything. */
  foreignChange(): void {
    if (this.sinks.size > 0) this.check();
  }

  private check(): void {
    const v = this.store.dataVersion();
    if (v === this.dataVersion) return;
    this.dataVersion = v;
    this.flush();
  }

  /** Hands every committed event after the last one delivered to each sink. */
  flush(): void {
    if (this.closed || this.store.db.inTransaction || !this.store.db.open) return;
    for (;;) {
      const batch = this.store.events.since({ after: this.last, limit: BATCH });
      if (batch.length === 0) return;
      this.last = batch[batch.length - 1]!.id;
      for (const sink of [...this.sinks]) sink.deliver(batch);
      if (batch.length < BATCH) return;
    }
  }

  /** Sends what is left, then ends every stream (their clients reconnect to the next daemon). */
  close(): void {
    this.flush();
    this.closed = true;
    if (this.poll !== null) clearInterval(this.poll);
    for (const sink of this.sinks) sink.close();
    this.sinks.clear();
  }
}
