// Binds the daemon's port with SO_REUSEPORT so that a second daemon can bind it during a
// reload. Node 20 has no `reusePort` option, so a small N-API addon (native/reuseport.c)
// creates the socket (close-on-exec: no child inherits it) and Node listens on its fd.
// Where Node >= 22.12 runs, its own `reusePort` does the same.
import { createRequire } from 'node:module';
import type net from 'node:net';
import { GflowError } from '../protocol/errors.js';

interface ReusePortAddon {
  bindReusePort(host: string, port: number, backlog: number): number;
}

const BACKLOG = 511;

function nodeHasReusePort(): boolean {
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  return major > 22 || (major === 22 && minor >= 12);
}

function loadAddon(): ReusePortAddon {
  const require = createRequire(import.meta.url);
  // dist/src/daemon/listen.js → <package>/build/Release/reuseport.node
  return require('../../../build/Release/reuseport.node') as ReusePortAddon;
}

export async function listenReusePort(server: net.Server, host: string, port: number): Promise<void> {
  // Node's own option where it has one (>= 22.12), else a handle `{ fd }` from the addon.
  let options: net.ListenOptions | { fd: number };
  if (nodeHasReusePort()) {
    options = { host, port, backlog: BACKLOG, reusePort: true } as net.ListenOptions;
  } else {
    let fd: number;
    try {
      fd = loadAddon().bindReusePort(host, port, BACKLOG);
    } catch (err) {
      throw bindError(err, host, port);
    }
    options = { fd };
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(bindError(err, host, port)));
    server.listen(options, () => resolve());
  });
}

function bindError(err: unknown, host: string, port: number): GflowError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return new GflowError('port_in_use', `port ${port} on ${host} is in use by another program`, 'stop that program or choose another port with --port or GFLOW_PORT', { cause: err });
  }
  return new GflowError('start_failed', `cannot listen on ${host}:${port}: ${(err as Error).message}`, undefined, { cause: err });
}
