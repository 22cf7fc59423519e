// Remembers the answer to a state-changing request by its idempotency key, so that a
// request the CLI retries (after ECONNRESET during a reload, say) acts only once.
import type { Db } from './db.js';

const KEEP_MS = 24 * 3600 * 1000;

export class IdempotencyStore {
  constructor(private readonly db: Db) {}

  get(key: string): { status: number; body: unknown } | undefined {
    const row = this.db.prepare('SELECT response FROM idempotency WHERE key = ?').get(key) as { response: string } | undefined;
    return row ? (JSON.parse(row.response) as { status: number; body: unknown }) : undefined;
  }

  /** Call inside the transaction that performs the request's change. */
  put(key: string, status: number, body: unknown, now: number): void {
    this.db.prepare('INSERT OR REPLACE INTO idempotency (key, response, created_at) VALUES (?, ?, ?)').run(key, JSON.stringify({ status, body }), now);
  }

  prune(now: number): void {
    this.db.prepare('DELETE FROM idempotency WHERE created_at < ?').run(now - KEEP_MS);
  }
}
