// `gflowd status [--json]`: is the daemon of this state directory running, and which one.
import { modeOf, resolvePaths, type Mode, type Paths } from '../../config/paths.js';
import { listenerUid } from '../../identity/peer-uid.js';
import { DEFAULT_HOST } from '../../protocol/version.js';
import { locateDaemon } from '../../client/locate.js';
import { resolveSettings } from '../../config/settings.js';
import type { Settings } from '../../config/schema.js';
import { SERVER_SESSION } from '../../protocol/version.js';
import { formatElapsed } from '../../core/duration.js';
import { describeOther, isOurs, otherDaemonError, sessionDaemon, type OtherDaemon } from './find-daemon.js';
import { probe } from './health.js';
import { attachHint } from './up.js';

export interface DaemonStatus {
  running: boolean;
  /** personal (one user's) or shared (the machine's, run by root) */
  mode: Mode;
  pid: number | null;
  port: number;
  version: string | null;
  session: string | null;
  uptimeSec: number | null;
  stateDir: string;
  /** a daemon of another state directory found in the session or on the port, when ours is not */
  other: (OtherDaemon & { where: string }) | null;
}

// Root, or a mode given, manages that mode's daemon; a user asks about the one `gflow` uses:
// their own if it runs, else the machine's shared daemon.
function target(flags: Partial<Settings>): { paths: Paths; port: number } {
  if (modeOf() !== undefined || process.getuid?.() === 0 || flags.port !== undefined) {
    const paths = resolvePaths();
    return { paths, port: resolveSettings(paths, flags).port };
  }
  return locateDaemon();
}

export async function daemonStatus(flags: Partial<Settings> = {}): Promise<DaemonStatus> {
  const { paths, port } = target(flags);
  const owner = await sessionDaemon(paths.stateDir);
  const inSession = owner.kind === 'ours' ? owner.pid : undefined;
  const answer = await probe(port);
  // Another user cannot read root's daemon's environment: the kernel vouched for the
  // listener (root) and the daemon says it is the shared one.
  const foreignShared = paths.mode === 'shared' && process.getuid?.() !== 0;
  const ours = answer.kind === 'gflowd' && (foreignShared ? answer.health.mode === 'shared' && listenerUid(DEFAULT_HOST, port) === 0 : isOurs(answer.health.pid, paths.stateDir));
  if (answer.kind !== 'gflowd' || !ours) {
    const other =
      owner.kind === 'other'
        ? { ...owner.daemon, where: `tmux session ${SERVER_SESSION}` }
        : answer.kind === 'gflowd'
          ? { ...describeOther(answer.health.pid), where: `port ${port}` }
          : null;
    return { running: false, mode: paths.mode, pid: inSession ?? null, port, version: null, session: inSession ? SERVER_SESSION : null, uptimeSec: null, stateDir: paths.stateDir, other };
  }
  const h = answer.health;
  return {
    running: true,
    mode: paths.mode,
    pid: h.pid,
    port,
    version: h.version,
    session: inSession === h.pid ? SERVER_SESSION : null,
    uptimeSec: Math.round((Date.now() - Date.parse(h.startedAt)) / 1000),
    stateDir: paths.stateDir,
    other: null,
  };
}

export async function statusCommand(flags: Partial<Settings> & { json?: boolean }): Promise<void> {
  const s = await daemonStatus(flags);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(s)}\n`);
  } else if (s.running) {
    const where = s.session ? `session ${s.session} (watch: ${attachHint()})` : s.mode === 'shared' && process.getuid?.() !== 0 ? `root's tmux session ${SERVER_SESSION} (watch: sudo tmux attach -t ${SERVER_SESSION})` : 'outside tmux';
    const whose = s.mode === 'shared' ? "the machine's shared gflowd" : 'gflowd';
    process.stdout.write(`${whose} is running: pid ${s.pid}, port ${s.port}, version ${s.version}, up ${formatElapsed(s.uptimeSec ?? 0)}, ${where}\n`);
  } else if (s.other) {
    // Not ours: say whose it is instead of reporting it as this state directory's daemon.
    throw otherDaemonError(s.other, s.stateDir, s.other.where);
  } else {
    const stale = s.pid ? ` (pid ${s.pid} in ${SERVER_SESSION} does not answer)` : '';
    process.stdout.write(`gflowd is not running on port ${s.port}${stale} — start it with \`gflowd up\`\n`);
  }
  if (!s.running) process.exitCode = 1;
}
