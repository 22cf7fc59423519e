// Who is calling, from the kernel, and whether they may talk to this daemon at all.
//   personal: the daemon runs jobs as its owner; only the owner's connections are served
//             (other UIDs are refused at once), and requests carry the owner's token.
//   shared:   one daemon (root) for the machine; any local user, identified by the kernel,
//             no token. A name in a request body is never trusted.
import type http from 'node:http';
import type net from 'node:net';
import type { Caller } from '../identity/caller.js';
import { socketUid } from '../identity/peer-uid.js';
import { userById } from '../identity/users.js';
import { GflowError } from '../protocol/errors.js';
import { assertNotFromWebPage } from '../web/security.js';
import { checkToken } from './http.js';

export interface Identity {
  mode: 'personal' | 'shared';
  /** the daemon's own account */
  ownerUid: number;
  ownerName: string;
  /** the API token (personal mode) */
  token: string | null;
  /**
   * the dashboard's browser sessions (src/web/sessions.ts): a session cookie acts as its user,
   * on a connection of that user's UID only (socketUid); on another it is refused
   */
  sessions?: { callerOf(req: http.IncomingMessage): Caller | undefined };
}

/** The peer as a log line names it: its UID from the kernel, else its address. */
export function peerName(sock: net.Socket): string {
  const uid = socketUid(sock);
  return uid !== undefined ? `uid ${uid}` : `address ${sock.remoteAddress ?? 'unknown'}`;
}

/** A personal daemon serves its owner only: another UID's connection is refused at once. */
export function refusesConnection(sock: net.Socket, id: Identity): GflowError | undefined {
  if (id.mode !== 'personal') return undefined;
  const uid = socketUid(sock);
  if (uid === undefined || uid === id.ownerUid) return undefined;
  return new GflowError('forbidden', `this gflowd belongs to ${id.ownerName}`, 'use your own: `gflowd up --port <N>` (and GFLOW_PORT), or the machine\'s shared daemon');
}

/**
 * Whether the caller is the daemon's own account, by the kernel (or, where the kernel cannot
 * tell, by the token): who may see the full `/health`.
 */
export function isOwner(req: http.IncomingMessage, id: Identity): boolean {
  const uid = socketUid(req.socket);
  if (uid !== undefined) return uid === id.ownerUid;
  if (id.mode !== 'personal') return false;
  try {
    checkToken(req, id.token ?? '');
    return true;
  } catch {
    return false;
  }
}

export function identify(req: http.IncomingMessage, id: Identity): Caller {
  const browser = id.sessions?.callerOf(req);
  if (browser) return browser;
  assertNotFromWebPage(req, id.mode);
  if (id.mode === 'personal') {
    const refused = refusesConnection(req.socket, id);
    if (refused) throw refused;
    checkToken(req, id.token ?? '');
    return { uid: id.ownerUid, user: id.ownerName, admin: true };
  }
  const uid = socketUid(req.socket);
  if (uid === undefined) throw new GflowError('forbidden', 'cannot tell which user is calling (not a local connection)', 'run gflow on this machine');
  return { uid, user: userById(uid)?.name ?? String(uid), admin: uid === 0 };
}
