// `gflowd up`: start the daemon in the tmux session gflow_server and wait until it answers.
import fs from 'node:fs';
import { resolvePaths } from '../../config/paths.js';
import { resolveSettings } from '../../config/settings.js';
import type { Settings } from '../../config/schema.js';
import { GflowError } from '../../protocol/errors.js';
import { SERVER_SESSION } from '../../protocol/version.js';
import { capturePane, hasSession, killSession, listPanes, listSessions, newSession, renameSession, socketArgs } from '../../tmux/tmux.js';
import { daemonArgv, daemonEnv } from './daemon-session.js';
import { describeOther, findDaemonInSession, isOurs, otherDaemonError, sessionDaemon } from './find-daemon.js';
import { probe } from './health.js';
import { portHolder } from './port-holder.js';
import { waitUntil } from './wait-until.js';
import { waitForControlLock } from './control-lock.js';
import { announced } from '../../client/locate.js';

const START_TIMEOUT_MS = 20_000;

export function attachHint(): string {
  return `tmux ${[...socketArgs(), 'attach', '-t', SERVER_SESSION].join(' ')}`;
}

async function orphanedReload(pid: number): Promise<string | undefined> {
  for (const name of (await listSessions()).filter((n) => n.startsWith(`${SERVER_SESSION}_new_`))) {
    if ((await findDaemonInSession(name)) === pid && !(await hasSession(SERVER_SESSION) && (await findDaemonInSession()) !== undefined)) {
      if (await hasSession(SERVER_SESSION)) await killSession(SERVER_SESSION);
      return name;
    }
  }
  return undefined;
}

export async function up(flags: Partial<Settings>, say: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  // Concurrent starts: one at a time; the others then find its daemon running.
  const paths = resolvePaths();
  fs.mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  const unlock = await waitForControlLock(paths.stateDir);
  try {
    return await start(flags, say);
  } finally {
    unlock();
  }
}

/** `up` for a caller that holds the control lock already (a reload whose new daemon died). */
export async function start(flags: Partial<Settings>, say: (line: string) => void): Promise<number> {
  const paths = resolvePaths();
  const { port } = resolveSettings(paths, flags);
  // The session name is fixed: a daemon of another state directory in it leaves no room here.
  const owner = await sessionDaemon(paths.stateDir);
  if (owner.kind === 'other') throw otherDaemonError(owner.daemon, paths.stateDir);
  const existing = owner.kind === 'ours' ? owner.pid : undefined;
  const answer = await probe(port);
  if (answer.kind === 'gflowd' && !isOurs(answer.health.pid, paths.stateDir)) {
    throw otherDaemonError(describeOther(answer.health.pid), paths.stateDir, `port ${port}`);
  }
  if (answer.kind === 'gflowd' && existing === answer.health.pid) {
    say(`gflowd is already running (pid ${existing}, port ${port}). Watch it with: ${attachHint()}`);
    return existing;
  }
  if (answer.kind === 'gflowd') {
    // A reload that was cut off leaves the new daemon in its own session: adopt it.
    const orphan = await orphanedReload(answer.health.pid);
    if (orphan) {
      await renameSession(orphan, SERVER_SESSION);
      say(`gflowd is running (pid ${answer.health.pid}, port ${port}); adopted it from the interrupted reload session ${orphan}. Watch it with: ${attachHint()}`);
      return answer.health.pid;
    }
    throw new GflowError('port_in_use', `another gflowd (pid ${answer.health.pid}) already answers on port ${port}, outside the tmux session ${SERVER_SESSION}`, 'stop it (kill its process), or use another port with --port');
  }
  if (answer.kind === 'foreign') {
    throw new GflowError('port_in_use', `port ${port} is held by ${await portHolder(port)}`, 'stop that program, or start gflowd on another port: gflowd up --port <N> (and set GFLOW_PORT for the CLI)');
  }
  if (existing !== undefined) {
    throw new GflowError('daemon_unhealthy', `gflowd (pid ${existing}) runs in ${SERVER_SESSION} but does not answer on port ${port}`, 'restart it with `gflowd restart`');
  }
  // Sessions left by a daemon that died (here, or during a reload) are removed.
  for (const name of (await listSessions()).filter((n) => n === SERVER_SESSION || n.startsWith(`${SERVER_SESSION}_new_`))) {
    if ((await listPanes(name)).some((p) => !p.dead && name !== SERVER_SESSION)) continue; // a reload in progress
    await killSession(name);
    say(`Removed a stale tmux session ${name} (no daemon was running in it)`);
  }

  fs.mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  // remain-on-exit: if the daemon dies during start-up, its last words stay readable.
  const create = (): Promise<number> => newSession({ name: SERVER_SESSION, argv: daemonArgv(flags), env: daemonEnv(port), remainOnExit: true, cwd: paths.stateDir });
  // A stale session that was the tmux server's last one takes the server with it: a session
  // created meanwhile meets a server on its way out ("server exited unexpectedly"). Once more
  // starts a server of its own.
  await create().catch(async (err: unknown) => {
    if (await hasSession(SERVER_SESSION)) throw err;
    await create();
  });
  let pid: number | undefined;
  let died = false;
  await waitUntil(
    async () => {
      const pane = (await listPanes(SERVER_SESSION))[0];
      if (!pane || pane.dead) {
        died = true;
        return true;
      }
      pid ??= await findDaemonInSession();
      if (pid === undefined) return false;
      const p = await probe(port, 1000);
      // A shared daemon is ready once users' commands can find it too: its discovery file names it.
      return p.kind === 'gflowd' && p.health.pid === pid && (paths.mode !== 'shared' || announced(paths)?.pid === pid);
    },
    { intervalMs: 25, timeoutMs: START_TIMEOUT_MS },
  );
  if (died || pid === undefined || (await probe(port)).kind !== 'gflowd') {
    const lines = (await capturePane(SERVER_SESSION)).split('\n').filter((l) => l.trim() !== '' && !/^Pane is dead/.test(l)).slice(-15);
    await killSession(SERVER_SESSION);
    if (lines.length) process.stderr.write(`${lines.map((l) => `  | ${l}`).join('\n')}\n`);
    throw new GflowError('start_failed', died ? 'gflowd exited during start-up (its last lines are above)' : `gflowd did not answer within ${START_TIMEOUT_MS / 1000} s`, `see ${paths.daemonLog}`);
  }
  say(`gflowd is running (pid ${pid}, port ${port}). Watch it with: ${attachHint()}`);
  return pid;
}
