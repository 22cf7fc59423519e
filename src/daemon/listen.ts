// Binds the daemon's port with SO_REUSEPORT so that a second daemon can bind it during a
// reload. A small N-API addon (native/reuseport.c) creates the socket (close-on-exec: no child
// inherits it) and Node listens on its fd, on every Node version: Node 20 has no `reusePort`
// option, and where Node has one (>= 22.12) it keeps the fd to itself, which the hand-over
// needs to steer new connections to the successor.
import { createRequire } from 'node:module';
import type net from 'node:net';
import { GflowError } from '../protocol/errors.js';
import { packagePath } from '../version.js';

interface ReusePortAddon {
  bindReusePort(host: string, port: number, backlog: number): number;
  steerNewConnections(fd: number, index: number): void;
  acceptQueueLength(fd: number): number;
}

const BACKLOG = 511;

const ADDON = 'build/Release/reuseport.node';

function loadAddon(): ReusePortAddon {
  try {
    return createRequire(import.meta.url)(packagePath(ADDON)) as ReusePortAddon;
  } catch (err) {
    throw new GflowError('start_failed', `gflow's native addon ${packagePath(ADDON)} cannot be loaded: ${(err as Error).message.split('\n')[0]}`, 'build it with `npm rebuild gflow` (or `npx node-gyp rebuild` in a clone); it needs make, g++ and python3', { cause: err });
  }
}

/** The bound listener; `handOver` is what a daemon does before it closes it during a reload. */
export interface Listener {
  handOver(): Promise<void>;
}

export async function listenReusePort(server: net.Server, host: string, port: number): Promise<Listener> {
  let fd: number;
  const addon = loadAddon();
  try {
    fd = addon.bindReusePort(host, port, BACKLOG);
  } catch (err) {
    throw bindError(err, host, port);
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(bindError(err, host, port)));
    server.listen({ fd }, () => resolve());
  });
  return { handOver: () => drainTo(fd) };
}

// New connections go to the successor (the second socket of the port's group); the ones
// already queued here are accepted before the listener closes, so none is reset. Without a
// successor the kernel keeps spreading connections here, hence the cap on the wait.
async function drainTo(fd: number): Promise<void> {
  const addon = loadAddon();
  try {
    addon.steerNewConnections(fd, 1);
  } catch {
    return; // an older kernel: closing resets what is queued, and clients retry
  }
  const deadline = Date.now() + 500;
  while (addon.acceptQueueLength(fd) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
}

function bindError(err: unknown, host: string, port: number): GflowError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return new GflowError('port_in_use', `port ${port} on ${host} is in use by another program`, 'stop that program or choose another port with --port or GFLOW_PORT', { cause: err });
  }
  return new GflowError('start_failed', `cannot listen on ${host}:${port}: ${(err as Error).message}`, undefined, { cause: err });
}
