// How many connections one peer may hold open at once. A local user of a shared daemon (or a
// peer the kernel cannot name) must not be able to take all of the daemon's file descriptors
// with idle connections: beyond the cap, a new connection gets a 429 at once and is closed,
// and the peer's other connections are untouched. Slow ones end on their own (the server's
// header and request timeouts). The daemon's own account is never capped: its CLI must always
// get through, and a daemon's owner has other ways to hurt it anyway.
import type net from 'node:net';
import { GflowError } from '../protocol/errors.js';
import { socketUid } from '../identity/peer-uid.js';

export const MAX_CONNECTIONS_PER_PEER = 128;

export class PeerLimits {
  private readonly open = new Map<string, number>();

  constructor(
    private readonly ownerUid: number,
    private readonly cap = MAX_CONNECTIONS_PER_PEER,
  ) {}

  /** Counts the connection in until it closes; the refusal if its peer holds the cap already. */
  admit(sock: net.Socket): GflowError | undefined {
    const uid = socketUid(sock);
    if (uid === this.ownerUid) return undefined;
    const peer = uid === undefined ? 'unknown' : String(uid);
    const n = this.open.get(peer) ?? 0;
    if (n >= this.cap) {
      return new GflowError('too_many_connections', `${uid === undefined ? 'this peer' : `uid ${uid}`} already holds ${this.cap} connections to gflowd`, 'close some (idle clients, `gflow events -f`, dashboard tabs) and try again');
    }
    this.open.set(peer, n + 1);
    sock.once('close', () => {
      const left = (this.open.get(peer) ?? 1) - 1;
      if (left > 0) this.open.set(peer, left);
      else this.open.delete(peer);
    });
    return undefined;
  }
}
