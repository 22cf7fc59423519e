// Browser sessions: `gflow ui` asks (authenticated as its user) for a one-time login code; the
// page redeems it for a session cookie; requests with the cookie act as that user.
// Both are bound to the kernel's UID: a code is redeemed, and a session used, only on a
// connection of the UID that asked for the code. A cookie is no bearer token — browsers send it
// to every port of 127.0.0.1, so another user's web server there receives it — and a code may
// have been seen by someone else; from another UID's connection either is refused, never taken
// as that other user.
import type http from 'node:http';
import { socketUid } from '../identity/peer-uid.js';
import type { Caller } from '../identity/caller.js';
import { GflowError } from '../protocol/errors.js';
import { LOGIN_CODE_TTL_MS, SESSION_TTL_MS } from '../protocol/web.js';
import { UiSessionStore } from '../store/ui-sessions.js';
import type { Db } from '../store/db.js';
import { assertFromDashboard, sessionCookie } from './security.js';

/** The refusal of a code or session presented on a connection of another UID than its owner's. */
function otherUser(what: string, uid: number | undefined): GflowError {
  const from = uid === undefined ? 'a connection whose user the kernel cannot name' : `a connection of uid ${uid}`;
  return new GflowError('forbidden', `this ${what} belongs to another user and was refused on ${from}`, 'open the dashboard in a browser of the account that ran `gflow ui` (or through an ssh -L tunnel that account opened)');
}

export class WebSessions {
  readonly store: UiSessionStore;

  constructor(db: Db) {
    this.store = new UiSessionStore(db);
  }

  /** A login code for the caller (the UID it is bound to), good once within LOGIN_CODE_TTL_MS. */
  loginCode(caller: Caller, now = Date.now()): string {
    // Expired codes go as new ones come: asking again and again does not grow the table.
    this.store.prune(now);
    return this.store.create('code', caller, now, LOGIN_CODE_TTL_MS);
  }

  /** Redeems a login code on this request's connection: the new session's secret (for the cookie) and who it acts as. */
  redeem(req: http.IncomingMessage, code: string, now = Date.now()): { secret: string; caller: Caller } {
    const uid = socketUid(req.socket);
    const found = this.store.take('code', code, now, uid);
    if (!found) throw new GflowError('unauthorized', 'this login link was used already or has expired (it works once, for a minute)', 'run `gflow ui` for a new link');
    if (!found.taken) throw otherUser('login link', uid);
    return { secret: this.store.create('session', found.caller, now, SESSION_TTL_MS), caller: found.caller };
  }

  /**
   * Who a request acts as by its session cookie; undefined without the cookie. A cookie that is
   * no longer valid, a request the dashboard did not make, or a connection of another UID than
   * the session's is refused.
   */
  callerOf(req: http.IncomingMessage, now = Date.now()): Caller | undefined {
    const secret = sessionCookie(req);
    if (secret === undefined) return undefined;
    assertFromDashboard(req);
    const caller = this.store.find('session', secret, now);
    if (!caller) throw new GflowError('unauthorized', 'the dashboard session has expired or was ended', 'run `gflow ui` for a new link');
    const uid = socketUid(req.socket);
    if (uid !== caller.uid) throw otherUser('dashboard session', uid);
    return caller;
  }

  /** Ends the request's session — only its owner's connection may (another UID cannot log them out). */
  logout(req: http.IncomingMessage, now = Date.now()): void {
    const secret = sessionCookie(req);
    if (secret === undefined) return;
    const caller = this.store.find('session', secret, now);
    const uid = socketUid(req.socket);
    if (caller && uid !== caller.uid) throw otherUser('dashboard session', uid);
    this.store.remove(secret);
  }
}
