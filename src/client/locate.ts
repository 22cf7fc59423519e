// Which daemon the CLI talks to: a personal daemon of yours if one runs, else the machine's
// shared daemon (`sudo gflowd up`), found through its discovery file. GFLOW_MODE=personal or
// shared chooses. Before anything is sent, the listener's owner is checked with the kernel:
// your token and environment go only to your own daemon or to root's.
import fs from 'node:fs';
import { modeOf, personalPaths, sharedPaths, type Paths } from '../config/paths.js';
import { resolveSettings } from '../config/settings.js';
import { listenerUid } from '../identity/peer-uid.js';
import { GflowError } from '../protocol/errors.js';
import { DEFAULT_HOST } from '../protocol/version.js';

export interface Target {
  paths: Paths;
  port: number;
}

/** What the shared daemon's discovery file says (src/daemon/state-dir.ts writes it), if anything. */
export function announced(paths: Paths): { port: number; pid: number | undefined } | undefined {
  try {
    const d = JSON.parse(fs.readFileSync(paths.discoveryFile, 'utf8')) as { port?: unknown; pid?: unknown };
    if (typeof d.port === 'number') return { port: d.port, pid: typeof d.pid === 'number' ? d.pid : undefined };
  } catch {
    // no shared daemon announced itself
  }
  return undefined;
}

function sharedTarget(env: NodeJS.ProcessEnv): Target | undefined {
  const paths = sharedPaths(env);
  const d = announced(paths);
  return d && { paths, port: d.port };
}

export function locateDaemon(env: NodeJS.ProcessEnv = process.env): Target {
  const mode = modeOf(env);
  const personal = (): Target => {
    const paths = personalPaths(env);
    return { paths, port: resolveSettings(paths).port };
  };
  if (mode === 'personal') return personal();
  if (mode === 'shared') return sharedTarget(env) ?? { paths: sharedPaths(env), port: resolveSettings(sharedPaths(env)).port };
  const mine = personal();
  const me = process.getuid?.() ?? 0;
  const holder = listenerUid(DEFAULT_HOST, mine.port);
  if (fs.existsSync(mine.paths.tokenFile) && holder === me) return mine;
  const shared = sharedTarget(env) ?? (holder === 0 && me !== 0 ? sharedStartingOn(env, mine.port) : undefined);
  if (shared && listenerUid(DEFAULT_HOST, shared.port) === 0) return shared;
  return mine;
}

/** How long a command waits for a shared daemon that listens but has not announced itself yet. */
const ANNOUNCE_WAIT_MS = 2000;

/**
 * Root holds the port and no discovery file is there (yet): a shared daemon that has just
 * started listening writes it a moment later. Waited for briefly, where a shared daemon has run.
 */
function sharedStartingOn(env: NodeJS.ProcessEnv, port: number): Target | undefined {
  if (!fs.existsSync(sharedPaths(env).stateDir)) return undefined;
  const nap = new Int32Array(new SharedArrayBuffer(4));
  for (const until = Date.now() + ANNOUNCE_WAIT_MS; Date.now() < until && listenerUid(DEFAULT_HOST, port) === 0; ) {
    const t = sharedTarget(env);
    if (t) return t;
    Atomics.wait(nap, 0, 0, 20); // a synchronous pause: locating a daemon is synchronous
  }
  return sharedTarget(env);
}

/** Refuses to talk to a listener owned by someone else than the daemon's owner should be. */
export function checkListener(t: Target): void {
  const owner = listenerUid(DEFAULT_HOST, t.port);
  if (owner === undefined) return; // nothing listens: the connection is refused and said so
  const want = t.paths.mode === 'shared' ? 0 : (process.getuid?.() ?? 0);
  if (owner === want) return;
  throw new GflowError(
    'daemon_unhealthy',
    `port ${t.port} is held by a program of uid ${owner}, not by ${t.paths.mode === 'shared' ? "the machine's shared gflowd (root)" : 'your gflowd'}; nothing was sent`,
    t.paths.mode === 'shared' ? 'ask the administrator to check `sudo gflowd status`' : 'start your daemon on another port: `gflowd up --port <N>` and set GFLOW_PORT',
  );
}
