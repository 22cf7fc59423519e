// Browser sessions: `gflow ui` asks (authenticated as its user) for a one-time login code; the
// page redeems it for a session cookie; requests with the cookie act as that user.
import type http from 'node:http';
import type { Caller } from '../identity/caller.js';
import { GflowError } from '../protocol/errors.js';
import { LOGIN_CODE_TTL_MS, SESSION_TTL_MS } from '../protocol/web.js';
import { UiSessionStore } from '../store/ui-sessions.js';
import type { Db } from '../store/db.js';
import { assertFromDashboard, sessionCookie } from './security.js';

export class WebSessions {
  readonly store: UiSessionStore;

  constructor(db: Db) {
    this.store = new UiSessionStore(db);
  }

  /** A login code for the caller, good once within LOGIN_CODE_TTL_MS. */
  loginCode(caller: Caller, now = Date.now()): string {
    // Expired codes go as new ones come: asking again and again does not grow the table.
    this.store.prune(now);
    return this.store.create('code', caller, now, LOGIN_CODE_TTL_MS);
  }

  /** Redeems a login code: the new session's secret (for the cookie) and who it acts as. */
  redeem(code: string, now = Date.now()): { secret: string; caller: Caller } {
    const caller = this.store.take('code', code, now);
    if (!caller) throw new GflowError('unauthorized', 'this login link was used already or has expired (it works once, for a minute)', 'run `gflow ui` for a new link');
    return { secret: this.store.create('session', caller, now, SESSION_TTL_MS), caller };
  }

  /**
   * Who a request acts as by its session cookie; undefined without the cookie. A cookie that is
   * no longer valid, or a request the dashboard did not make, is refused.
   */
  callerOf(req: http.IncomingMessage, now = Date.now()): Caller | undefined {
    const secret = sessionCookie(req);
    if (secret === undefined) return undefined;
    assertFromDashboard(req);
    const caller = this.store.find('session', secret, now);
    if (!caller) throw new GflowError('unauthorized', 'the dashboard session has expired or was ended', 'run `gflow ui` for a new link');
    return caller;
  }

  logout(req: http.IncomingMessage): void {
    const secret = sessionCookie(req);
    if (secret !== undefined) this.store.remove(secret);
  }
}
