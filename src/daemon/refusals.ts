// What the daemon's log says about refused requests (wrong token, not allowed). A person needs
// to see that someone knocks, who, how often and with what — not one line per knock: a peer
// firing thousands of requests with huge URLs must not rotate the log's history away.
// So each line is short (URLs cut), a peer's first few refusals in an interval are logged as
// they come, and the rest are counted and summed up in one line per peer and interval.
import type { Logger } from './logger.js';

export const MAX_URL_CHARS = 200;
/** refusals of one peer logged one by one per interval, before they are only counted */
const LINES_PER_INTERVAL = 5;
// Peers are UIDs (or addresses the kernel cannot name), so few; the cap bounds memory anyway.
const MAX_PEERS = 1000;

interface PeerCount {
  /** refusals in the current interval */
  count: number;
  last: string;
}

/** A URL (or any client-given text) short enough for one log line, control characters shown. */
export function cutForLog(text: string, max = MAX_URL_CHARS): string {
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return clean.length > max ? `${clean.slice(0, max)}… (${text.length} chars)` : clean;
}

export class RefusalLog {
  private readonly peers = new Map<string, PeerCount>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly log: Pick<Logger, 'warn'>,
    private readonly intervalMs = 60_000,
  ) {
    // The summaries come out on their own; the timer never keeps a stopping daemon alive.
    this.timer = setInterval(() => this.flush(), intervalMs);
    this.timer.unref();
  }

  /** A refused request from `peer` (e.g. "uid 1001"); `what` is its one-line description. */
  note(peer: string, what: string): void {
    let p = this.peers.get(peer);
    if (!p) {
      if (this.peers.size >= MAX_PEERS) return;
      p = { count: 0, last: what };
      this.peers.set(peer, p);
    }
    p.count++;
    p.last = what;
    if (p.count <= LINES_PER_INTERVAL) this.log.warn(`peer ${peer}: ${what}`);
    else if (p.count === LINES_PER_INTERVAL + 1) this.log.warn(`peer ${peer}: more refused requests; counting them, a summary follows within ${Math.round(this.intervalMs / 1000)} s`);
  }

  /** One line per peer that went over the per-interval lines; counting starts afresh. */
  flush(): void {
    for (const [peer, p] of this.peers) {
      if (p.count > LINES_PER_INTERVAL) {
        this.log.warn(`peer ${peer}: ${p.count.toLocaleString('en-US')} refused requests in the last ${Math.round(this.intervalMs / 1000)} s (last: ${p.last})`);
      }
    }
    this.peers.clear();
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
  }
}
