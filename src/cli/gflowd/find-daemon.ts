// Finding the daemon's PID (shared by up, down, status, restart and reload): the pane of its
// tmux session, or one of that pane's descendants, whose process is gflowd. One tmux server
// can be shared by daemons of several state directories (other XDG_DATA_HOME, other port);
// each command acts only on the daemon of its own state directory, read from the daemon's
// environment. find-process (slow to load) is only the fallback for a daemon outside tmux.
import fs from 'node:fs';
import path from 'node:path';
import { resolvePaths } from '../../config/paths.js';
import { descendantsOf, isAlive, readCmdline, readStat } from '../../executor/proc.js';
import { GflowError } from '../../protocol/errors.js';
import { SERVER_SESSION } from '../../protocol/version.js';
import { listPanes, type PaneInfo } from '../../tmux/tmux.js';

export function isGflowd(pid: number): boolean {
  const stat = readStat(pid);
  if (!stat || !isAlive(pid)) return false;
  if (stat.comm === 'gflowd') return true;
  const argv = readCmdline(pid);
  // Before it sets its title the daemon is `node [node flags] …/bin/gflowd run …` (the script
  // right before `run`: a tmux server started by `new-session … gflowd run` has those words too,
  // later on, after words that are not flags).
  if (argv[0] === 'gflowd') return true;
  const at = argv.findIndex((a) => /(^|\/)gflowd$/.test(a));
  return at >= 0 && argv.slice(1, at).every((a) => a.startsWith('-')) && argv[at + 1] === 'run';
}

/** The PID of the daemon in `session`, whoever it belongs to. */
export async function findDaemonInSession(session: string = SERVER_SESSION): Promise<number | undefined> {
  return daemonInPanes(await listPanes(session));
}

/** The daemon among these panes' processes and their descendants. */
export function daemonInPanes(panes: readonly PaneInfo[]): number | undefined {
  for (const pane of panes) {
    if (pane.dead) continue;
    if (isGflowd(pane.pid)) return pane.pid;
    // A pane tmux has forked but not yet turned into its command has no descendants: no need
    // to read all of /proc (a reload asks every 10 ms while the new daemon starts).
    if (readStat(pane.pid)?.comm.startsWith('tmux')) continue;
    const child = descendantsOf(pane.pid).find((p) => isGflowd(p.pid));
    if (child) return child.pid;
  }
  return undefined;
}

/** A daemon of another state directory, as far as /proc tells. */
export interface OtherDaemon {
  pid: number;
  stateDir: string | undefined;
  port: number | undefined;
}

export type SessionOwner = { kind: 'none' } | { kind: 'ours'; pid: number } | { kind: 'other'; daemon: OtherDaemon };

/** Whose daemon runs in `session`: none, the one of `stateDir`, or another one. */
export async function sessionDaemon(stateDir: string, session: string = SERVER_SESSION): Promise<SessionOwner> {
  const pid = await findDaemonInSession(session);
  if (pid === undefined) return { kind: 'none' };
  return isOurs(pid, stateDir) ? { kind: 'ours', pid } : { kind: 'other', daemon: describeOther(pid) };
}

export function isOurs(pid: number, stateDir: string): boolean {
  const theirs = stateDirOf(pid);
  return theirs !== undefined && path.resolve(theirs) === path.resolve(stateDir);
}

export function describeOther(pid: number): OtherDaemon {
  return { pid, stateDir: stateDirOf(pid), port: listeningPort(pid) };
}

/** The one-line refusal when the daemon found is not this state directory's. */
export function otherDaemonError(other: OtherDaemon, stateDir: string, where = `tmux session ${SERVER_SESSION}`): GflowError {
  return new GflowError(
    'conflict',
    `${where} runs the gflowd of another state directory (${other.stateDir ?? 'unknown'}, port ${other.port ?? 'unknown'}, pid ${other.pid}), not the one of ${stateDir}`,
    'manage that daemon from a shell with its XDG_DATA_HOME, XDG_CONFIG_HOME and GFLOW_PORT; to run this one beside it, give it its own tmux server (GFLOW_TMUX_SOCKET=<name>) and port',
  );
}

/**
 * The daemon of this state directory found by name, when neither its session nor its port
 * tells (a daemon started by hand that stopped answering). Other daemons of the same user
 * (another state directory, another port) are left alone.
 */
export async function findDaemonByName(stateDir: string): Promise<number | undefined> {
  return (await daemonsOf(stateDir))[0];
}

/** Every gflowd daemon process of this user and state directory. */
export async function daemonsOf(stateDir: string): Promise<number[]> {
  const { default: find } = await import('find-process');
  const uid = process.getuid?.();
  const found = await find('name', 'gflowd', true);
  return found
    .filter((p) => (uid === undefined || p.uid === undefined || p.uid === uid) && p.pid !== process.pid && isGflowd(p.pid))
    .map((p) => p.pid)
    .filter((pid) => isOurs(pid, stateDir));
}

export function stateDirOf(pid: number): string | undefined {
  try {
    const env = Object.fromEntries(
      fs
        .readFileSync(`/proc/${pid}/environ`, 'utf8')
        .split('\0')
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    ) as NodeJS.ProcessEnv;
    return resolvePaths(env).stateDir;
  } catch {
    return undefined;
  }
}

/**
 * The TCP port `pid` listens on: its socket inodes (/proc/<pid>/fd) matched against the
 * listening sockets of its network namespace (/proc/<pid>/net/tcp{,6}). The daemon's title
 * replaces its command line, so its --port cannot be read there.
 */
export function listeningPort(pid: number): number | undefined {
  const inodes = new Set<string>();
  try {
    for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
      const m = /^socket:\[(\d+)\]$/.exec(readLink(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    }
  } catch {
    return undefined;
  }
  for (const table of ['tcp', 'tcp6']) {
    let text = '';
    try {
      text = fs.readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode; st 0A = LISTEN
      if (f[3] === '0A' && f[9] !== undefined && inodes.has(f[9])) return parseInt(f[1]!.split(':')[1]!, 16);
    }
  }
  return undefined;
}

function readLink(p: string): string {
  try {
    return fs.readlinkSync(p);
  } catch {
    return '';
  }
}
