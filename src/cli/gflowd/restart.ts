// `gflowd restart`: down, then up, keeping the running daemon's --port, --cpus and --gpus
// unless new ones are given (read before it is stopped: afterwards nothing knows them).
import { resolvePaths } from '../../config/paths.js';
import { resolveSettings } from '../../config/settings.js';
import type { Settings } from '../../config/schema.js';
import { carryOver } from './carry-over.js';
import type { DaemonFlags } from './daemon-session.js';
import { down } from './down.js';
import { isGflowd, isOurs, otherDaemonError, sessionDaemon } from './find-daemon.js';
import { probe } from './health.js';
import { up } from './up.js';

export async function restart(o: Partial<Settings>): Promise<void> {
  const paths = resolvePaths();
  const { port } = resolveSettings(paths, o);
  const given: DaemonFlags = { port: o.port, cpus: o.cpus, gpus: o.gpus };
  const owner = await sessionDaemon(paths.stateDir);
  if (owner.kind === 'other') throw otherDaemonError(owner.daemon, paths.stateDir);
  let pid = owner.kind === 'ours' ? owner.pid : undefined;
  if (pid === undefined) {
    const answer = await probe(port);
    if (answer.kind === 'gflowd' && isGflowd(answer.health.pid) && isOurs(answer.health.pid, paths.stateDir)) pid = answer.health.pid;
  }
  if (pid === undefined) {
    // Nothing of ours runs (or it runs hung outside tmux: down finds that one by name).
    await down(given);
    await up(given);
    return;
  }
  const { oldPort, flags } = await carryOver(pid, given, port, 'restart');
  await down({ port: oldPort });
  await up(flags);
}
