// Who is calling, from the kernel: the owner UID of the client's end of a loopback TCP
// connection. A request body's claim is never used. The kernel is asked through the native
// addon's inet_diag exact lookup (native/reuseport.c: tens of microseconds, whatever the
// number of sockets); where that is unavailable (addon not built, kernel without
// NETLINK_SOCK_DIAG), /proc/net/tcp (or tcp6) is read instead — milliseconds, and growing
// with every TIME_WAIT socket on the machine.
import fs from 'node:fs';
import type net from 'node:net';
import { createRequire } from 'node:module';
import { packagePath } from '../version.js';

interface DiagAddon {
  /** UID of the socket with this local and remote end; null if none; throws if it cannot ask */
  socketUid(localIp: string, localPort: number, remoteIp: string, remotePort: number): number | null;
}

let addon: DiagAddon | null | undefined;

function diag(): DiagAddon | null {
  if (addon === undefined) {
    try {
      const loaded = createRequire(import.meta.url)(packagePath('build/Release/reuseport.node')) as Partial<DiagAddon>;
      addon = typeof loaded.socketUid === 'function' ? (loaded as DiagAddon) : null;
    } catch {
      addon = null;
    }
  }
  return addon;
}

/** The kernel's answer through inet_diag: a UID, null (no such socket), undefined (cannot ask). */
function diagUid(localIp: string, localPort: number, remoteIp: string, remotePort: number): number | null | undefined {
  const a = diag();
  if (!a) return undefined;
  try {
    return a.socketUid(localIp, localPort, remoteIp, remotePort);
  } catch {
    addon = null; // the kernel does not answer such queries: read /proc from now on
    return undefined;
  }
}

// /proc/net/tcp shows addresses as hex, the IPv4 address in host (little-endian) byte order:
// 127.0.0.1:59000 is 0100007F:E678.
function hexAddress(ip: string, port: number): string | undefined {
  const v4 = /^(?:::ffff:)?(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  if (v4) {
    const hex = v4.slice(1, 5).reverse().map((o) => Number(o).toString(16).toUpperCase().padStart(2, '0')).join('');
    return `${hex}:${hexPort}`;
  }
  return undefined;
}

function findUid(table: string, local: string, remote: string): number | undefined {
  let text: string;
  try {
    text = fs.readFileSync(table, 'latin1');
  } catch {
    return undefined;
  }
  // The table can hold thousands of lines (TIME_WAIT after a busy hour): find the one line by
  // its two addresses instead of splitting them all.
  // A closed connection of the same addresses may linger in TIME_WAIT (06), owned by nobody.
  const needle = ` ${local} ${remote} `;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
    const end = text.indexOf('\n', at);
    // local rem st queues timer retrnsmt uid …
    const f = text.slice(at, end < 0 ? undefined : end).trim().split(/\s+/);
    if (f[2] !== '06') return Number(f[6]);
  }
  return undefined;
}

/**
 * The UID owning the socket at `clientIp:clientPort` connected to `serverIp:serverPort`
 * (both on this machine); undefined when the kernel does not list it (not loopback, gone).
 */
export function peerUid(clientIp: string, clientPort: number, serverIp: string, serverPort: number): number | undefined {
  const fast = diagUid(clientIp, clientPort, serverIp, serverPort);
  if (fast !== undefined) return fast ?? undefined;
  const local = hexAddress(clientIp, clientPort);
  const remote = hexAddress(serverIp, serverPort);
  if (!local || !remote) return undefined;
  return findUid('/proc/net/tcp', local, remote) ?? findUid('/proc/net/tcp6', `0000000000000000FFFF0000${local.slice(0, 8)}${local.slice(8)}`, `0000000000000000FFFF0000${remote.slice(0, 8)}${remote.slice(8)}`);
}

/** The UID owning the socket listening on `ip:port` (the client checks who it talks to). */
export function listenerUid(ip: string, port: number): number | undefined {
  // An exact lookup with no remote end finds the listener a connection to ip:port would reach.
  const fast = diagUid(ip, port, '0.0.0.0', 0);
  if (fast !== undefined) return fast ?? undefined;
  const local = hexAddress(ip, port);
  return local ? findUid('/proc/net/tcp', local, '00000000:0000') : undefined;
}

const uids = new WeakMap<net.Socket, number | undefined>();

/** The UID at the other end of a connection (looked up once per connection). */
export function socketUid(sock: net.Socket): number | undefined {
  if (!uids.has(sock)) {
    const { remoteAddress, remotePort, localAddress, localPort } = sock;
    uids.set(sock, remoteAddress && remotePort && localAddress && localPort ? peerUid(remoteAddress, remotePort, localAddress, localPort) : undefined);
  }
  return uids.get(sock);
}
