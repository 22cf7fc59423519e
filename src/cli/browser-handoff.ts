// Gives the browser the dashboard's login link without putting the link on any command line:
// command lines are public (any user reads /proc/<pid>/cmdline), and the link holds the login
// code. The browser is opened on a one-time address of a small server of this process, on a
// random loopback port; it answers only a connection of this process's own UID (the kernel
// names it, src/identity/peer-uid.ts), once, with a redirect to the link. Another user who reads
// the address in the process table is refused; a web page in the user's own browser cannot
// guess its random path.
import crypto from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import { peerUid } from '../identity/peer-uid.js';
import { DEFAULT_HOST } from '../protocol/version.js';

/** sent: the browser came and was sent on; expired: it did not come in time; stopped: close() */
export type HandoffEnd = 'sent' | 'expired' | 'stopped';

export interface Handoff {
  /** the address to open: nothing secret in it */
  url: string;
  done: Promise<HandoffEnd>;
  close(): void;
}

function connectionUid(sock: net.Socket): number | undefined {
  const { remoteAddress, remotePort, localAddress, localPort } = sock;
  return remoteAddress && remotePort && localAddress && localPort ? peerUid(remoteAddress, remotePort, localAddress, localPort) : undefined;
}

/** Serves one redirect to `target` for this process's UID, for at most `ttlMs`. */
export async function startHandoff(target: string, ttlMs: number): Promise<Handoff> {
  const path = `/${crypto.randomBytes(16).toString('base64url')}`;
  const me = process.getuid?.();
  let finish: (end: HandoffEnd) => void = () => {};
  const done = new Promise<HandoffEnd>((resolve) => (finish = resolve));
  const headers = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', connection: 'close' };
  const server = http.createServer((req, res) => {
    if (req.url !== path) {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found\n');
    } else if (connectionUid(req.socket) !== me) {
      res.writeHead(403, { ...headers, 'content-type': 'text/plain' }).end("this address belongs to another user's `gflow ui`\n");
    } else {
      res.writeHead(302, { ...headers, location: target }).end();
      res.on('finish', () => end('sent'));
    }
  });
  let ended = false;
  const end = (how: HandoffEnd): void => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    server.close();
    // A browser may hold spare connections open (preconnects); none must keep this process.
    server.closeAllConnections();
    finish(how);
  };
  const timer = setTimeout(() => end('expired'), ttlMs);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, DEFAULT_HOST, () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return { url: `http://${DEFAULT_HOST}:${port}${path}`, done, close: () => end('stopped') };
}
