// One-time login codes and browser sessions of the web dashboard. Only a SHA-256 of each
// secret is stored, so the database (or a backup of it) never lets anyone log in; sessions
// live in SQLite so that they survive a `gflowd reload`, and expire. Each secret belongs to
// the UID that asked for it (uid): it is good only on a connection of that UID (src/web/sessions.ts).
import crypto from 'node:crypto';
import type { Caller } from '../identity/caller.js';
import type { Db } from './db.js';
import { prepared } from './statements.js';

export type SecretKind = 'code' | 'session';

function hash(secret: string): string {
  return crypto.createHash('sha256').update(secret).digest('hex');
}

/** 256 random bits, URL-safe. */
export function newSecret(): string {
  return crypto.randomBytes(32).toString('base64url');
}

export class UiSessionStore {
  constructor(private readonly db: Db) {}

  /** Stores a new secret of this kind for the caller; returns it (the only time it exists in clear). */
  create(kind: SecretKind, caller: Caller, now: number, ttlMs: number): string {
    const secret = newSecret();
    prepared(this.db, 'INSERT INTO ui_sessions (hash, kind, uid, user, admin, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(hash(secret), kind, caller.uid, caller.user, caller.admin ? 1 : 0, now, now + ttlMs);
    return secret;
  }

  /** Who a live secret of this kind belongs to. */
  find(kind: SecretKind, secret: string, now: number): Caller | undefined {
    const row = prepared(this.db, 'SELECT uid, user, admin FROM ui_sessions WHERE hash = ? AND kind = ? AND expires_at > ?').get(hash(secret), kind, now) as
      | { uid: number; user: string; admin: number }
      | undefined;
    return row && { uid: row.uid, user: row.user, admin: row.admin === 1 };
  }

  /**
   * Takes a live secret for the UID the kernel names on the connection that presents it: it is
   * removed (a login code works once) and its owner returned. A live secret of another UID is
   * left as it was — someone else's attempt must not use up its owner's code — and only named
   * (`taken: false`) so that the refusal can say so. Undefined: no such live secret.
   */
  take(kind: SecretKind, secret: string, now: number, byUid: number | undefined): { caller: Caller; taken: boolean } | undefined {
    return this.db.transaction(() => {
      const caller = this.find(kind, secret, now);
      if (caller && caller.uid !== byUid) return { caller, taken: false };
      prepared(this.db, 'DELETE FROM ui_sessions WHERE hash = ?').run(hash(secret));
      return caller && { caller, taken: true };
    })();
  }

  remove(secret: string): void {
    prepared(this.db, 'DELETE FROM ui_sessions WHERE hash = ?').run(hash(secret));
  }

  /** Forgets expired codes and sessions; returns how many. */
  prune(now: number): number {
    return prepared(this.db, 'DELETE FROM ui_sessions WHERE expires_at <= ?').run(now).changes;
  }
}
