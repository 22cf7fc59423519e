// The kernel says who is at the other end of a loopback connection, and who listens on a
// port: through the addon's inet_diag lookup, and the same through /proc/net/tcp.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { describe, it } from 'node:test';
import { listenerUid, peerUid } from '../../src/identity/peer-uid.js';
import { testUsers } from '../helpers/sandbox.js';
import { requiresUsers } from '../helpers/requires.js';

const me = process.getuid?.() ?? 0;

function server(): Promise<{ srv: net.Server; port: number; next: () => Promise<net.Socket> }> {
  const waiting: ((s: net.Socket) => void)[] = [];
  const srv = net.createServer((s) => waiting.shift()?.(s));
  return new Promise((resolve) =>
    srv.listen(0, '127.0.0.1', () => resolve({ srv, port: (srv.address() as net.AddressInfo).port, next: () => new Promise((r) => waiting.push(r)) })),
  );
}

describe('peer UID from the kernel', () => {
  it('names the owner of a connection and of a listener', async () => {
    const { srv, port, next } = await server();
    const accepted = next();
    const client = net.connect(port, '127.0.0.1');
    const s = await accepted;
    assert.equal(peerUid(s.remoteAddress!, s.remotePort!, s.localAddress!, s.localPort!), me);
    assert.equal(listenerUid('127.0.0.1', port), me);
    client.destroy();
    s.destroy();
    await new Promise((r) => srv.close(r));
    // Nothing listens any more; no such connection.
    assert.equal(listenerUid('127.0.0.1', port), undefined);
    assert.equal(peerUid('127.0.0.1', 1, '127.0.0.1', 2), undefined);
  });

  const users = testUsers(['gflowtest']);
  it('names another user as that user', requiresUsers(users), async () => {
    const u = users![0]!;
    const { srv, port, next } = await server();
    const accepted = next();
    // A client of another UID: held open until this side closes.
    const child = spawn('setpriv', [`--reuid=${u.uid}`, `--regid=${u.gid}`, '--clear-groups', process.execPath, '-e', `require('net').connect(${port}, '127.0.0.1').on('close', () => process.exit(0)).on('error', () => process.exit(1))`], { stdio: 'ignore' });
    const s = await accepted;
    assert.equal(peerUid(s.remoteAddress!, s.remotePort!, s.localAddress!, s.localPort!), u.uid);
    s.destroy();
    await new Promise((r) => child.on('exit', r));
    await new Promise((r) => srv.close(r));
  });
});
