// Finding the daemon's PID (shared by up, down, status and reload):
// the pane of its tmux session, or one of that pane's descendants, whose process is gflowd.
// find-process (slow to load) is only the fallback for a daemon running outside tmux.
import fs from 'node:fs';
import { resolvePaths } from '../../config/paths.js';
import { descendantsOf, isAlive, readCmdline, readStat } from '../../executor/proc.js';
import { SERVER_SESSION } from '../../protocol/version.js';
import { listPanes } from '../../tmux/tmux.js';

export function isGflowd(pid: number): boolean {
  const stat = readStat(pid);
  if (!stat || !isAlive(pid)) return false;
  if (stat.comm === 'gflowd') return true;
  const argv = readCmdline(pid);
  // Before it sets its title the daemon is `node …/bin/gflowd run …`.
  return argv[0] === 'gflowd' || (argv.some((a) => /(^|\/)gflowd$/.test(a)) && argv.includes('run'));
}

/** The PID of the daemon in `session`, if one runs there. */
export async function findDaemonInSession(session: string = SERVER_SESSION): Promise<number | undefined> {
  for (const pane of await listPanes(session)) {
    if (pane.dead) continue;
    if (isGflowd(pane.pid)) return pane.pid;
    const child = descendantsOf(pane.pid).find((p) => isGflowd(p.pid));
    if (child) return child.pid;
  }
  return undefined;
}

/**
 * The daemon of this state directory found by name, when neither its session nor its port
 * tells (a daemon started by hand that stopped answering). Other daemons of the same user
 * (another state directory, another port) are left alone.
 */
export async function findDaemonByName(stateDir: string): Promise<number | undefined> {
  const { default: find } = await import('find-process');
  const uid = process.getuid?.();
  const found = await find('name', 'gflowd', true);
  return found
    .filter((p) => (uid === undefined || p.uid === undefined || p.uid === uid) && p.pid !== process.pid && isGflowd(p.pid))
    .map((p) => p.pid)
    .find((pid) => stateDirOf(pid) === stateDir);
}

function stateDirOf(pid: number): string | undefined {
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
