// `gflowd down`: stop the daemon of this state directory (SIGTERM, SIGKILL after a grace
// period) and remove its session. Jobs keep running in their own sessions.
import { resolvePaths } from '../../config/paths.js';
import { resolveSettings } from '../../config/settings.js';
import type { Settings } from '../../config/schema.js';
import { isAlive } from '../../executor/proc.js';
import { GflowError } from '../../protocol/errors.js';
import { SERVER_SESSION } from '../../protocol/version.js';
import { hasSession, killSession, listPanes } from '../../tmux/tmux.js';
import { findDaemonByName, isGflowd, isOurs, otherDaemonError, sessionDaemon } from './find-daemon.js';
import { probe } from './health.js';
import { waitUntil } from './wait-until.js';

const STOP_GRACE_MS = 10_000;

export async function down(flags: Partial<Settings>, say: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<void> {
  const paths = resolvePaths();
  const { port } = resolveSettings(paths, flags);
  const owner = await sessionDaemon(paths.stateDir);
  let pid = owner.kind === 'ours' ? owner.pid : undefined;
  if (pid === undefined) {
    // A daemon started by hand (`gflowd run`) has no session; its /health names it, or,
    // if it stopped answering, its process name and state directory do.
    const answer = await probe(port);
    if (answer.kind === 'gflowd' && isGflowd(answer.health.pid) && isOurs(answer.health.pid, paths.stateDir)) pid = answer.health.pid;
    else pid = await findDaemonByName(paths.stateDir);
  }
  if (pid === undefined) {
    if (owner.kind === 'other') throw otherDaemonError(owner.daemon, paths.stateDir);
    if (await hasSession(SERVER_SESSION)) {
      await killSession(SERVER_SESSION);
      say(`gflowd was not running; removed its stale tmux session ${SERVER_SESSION}`);
    } else {
      say('gflowd is not running');
    }
    return;
  }
  process.kill(pid, 'SIGTERM');
  if (!(await waitUntil(() => !isAlive(pid), { intervalMs: 25, timeoutMs: STOP_GRACE_MS }))) {
    say(`gflowd (pid ${pid}) did not stop within ${STOP_GRACE_MS / 1000} s of SIGTERM; sending SIGKILL`);
    process.kill(pid, 'SIGKILL');
    if (!(await waitUntil(() => !isAlive(pid), { intervalMs: 25, timeoutMs: 5000 }))) {
      throw new GflowError('daemon_unhealthy', `gflowd (pid ${pid}) is still there 5 s after SIGKILL`, `it may be stuck in the kernel: check \`ps -o stat= -p ${pid}\``);
    }
  }
  // The session is removed unless it is another daemon's (ours ran outside tmux then).
  if (owner.kind !== 'other') {
    // Let tmux reap the daemon (its pane turns dead) before the session goes, or it stays a zombie.
    await waitUntil(async () => (await listPanes(SERVER_SESSION)).every((p) => p.dead), { intervalMs: 10, timeoutMs: 2000 });
    await killSession(SERVER_SESSION);
  }
  say(`gflowd stopped (pid ${pid}); running jobs keep running and are adopted by the next daemon`);
}
