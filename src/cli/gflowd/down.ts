// `gflowd down`: stop the daemon (SIGTERM, SIGKILL after a grace period) and remove its
// session. Jobs keep running in their own sessions.
import pWaitFor, { TimeoutError } from 'p-wait-for';
import { resolvePaths } from '../../config/paths.js';
import { resolveSettings } from '../../config/settings.js';
import type { Settings } from '../../config/schema.js';
import { isAlive } from '../../executor/proc.js';
import { SERVER_SESSION } from '../../protocol/version.js';
import { hasSession, killSession, listPanes } from '../../tmux/tmux.js';
import { findDaemonByName, findDaemonInSession, isGflowd } from './find-daemon.js';
import { probe } from './health.js';

const STOP_GRACE_MS = 10_000;

export async function down(flags: Partial<Settings>, say: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<void> {
  const paths = resolvePaths();
  const { port } = resolveSettings(paths, flags);
  let pid = await findDaemonInSession();
  if (pid === undefined) {
    // A daemon started by hand (`gflowd run`) has no session; its /health names it, or,
    // if it stopped answering, its process name and state directory do.
    const answer = await probe(port);
    if (answer.kind === 'gflowd' && isGflowd(answer.health.pid)) pid = answer.health.pid;
    else pid = await findDaemonByName(paths.stateDir);
  }
  if (pid === undefined) {
    if (await hasSession(SERVER_SESSION)) {
      await killSession(SERVER_SESSION);
      say(`gflowd was not running; removed its stale tmux session ${SERVER_SESSION}`);
    } else {
      say('gflowd is not running');
    }
    return;
  }
  process.kill(pid, 'SIGTERM');
  try {
    await pWaitFor(() => !isAlive(pid), { interval: 25, timeout: STOP_GRACE_MS });
  } catch (err) {
    if (!(err instanceof TimeoutError)) throw err;
    say(`gflowd (pid ${pid}) did not stop within ${STOP_GRACE_MS / 1000} s of SIGTERM; sending SIGKILL`);
    process.kill(pid, 'SIGKILL');
    await pWaitFor(() => !isAlive(pid), { interval: 25, timeout: 5000 });
  }
  // Let tmux reap the daemon (its pane turns dead) before the session goes, or it stays a zombie.
  await pWaitFor(async () => (await listPanes(SERVER_SESSION)).every((p) => p.dead), { interval: 10, timeout: 2000 }).catch(() => {});
  await killSession(SERVER_SESSION);
  say(`gflowd stopped (pid ${pid}); running jobs keep running and are adopted by the next daemon`);
}
