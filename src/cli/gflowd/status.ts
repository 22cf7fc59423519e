// `gflowd status [--json]`: is the daemon running, and which one.
import { resolvePaths } from '../../config/paths.js';
import { resolveSettings } from '../../config/settings.js';
import type { Settings } from '../../config/schema.js';
import { SERVER_SESSION } from '../../protocol/version.js';
import { formatElapsed } from '../../core/duration.js';
import { findDaemonInSession } from './find-daemon.js';
import { probe } from './health.js';
import { attachHint } from './up.js';

export interface DaemonStatus {
  running: boolean;
  pid: number | null;
  port: number;
  version: string | null;
  session: string | null;
  uptimeSec: number | null;
}

export async function daemonStatus(flags: Partial<Settings> = {}): Promise<DaemonStatus> {
  const { port } = resolveSettings(resolvePaths(), flags);
  const inSession = await findDaemonInSession();
  const answer = await probe(port);
  if (answer.kind !== 'gflowd') return { running: false, pid: inSession ?? null, port, version: null, session: inSession ? SERVER_SESSION : null, uptimeSec: null };
  const h = answer.health;
  return {
    running: true,
    pid: h.pid,
    port,
    version: h.version,
    session: inSession === h.pid ? SERVER_SESSION : null,
    uptimeSec: Math.round((Date.now() - Date.parse(h.startedAt)) / 1000),
  };
}

export async function statusCommand(flags: Partial<Settings> & { json?: boolean }): Promise<void> {
  const s = await daemonStatus(flags);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(s)}\n`);
  } else if (s.running) {
    const where = s.session ? `session ${s.session} (watch: ${attachHint()})` : 'outside tmux';
    process.stdout.write(`gflowd is running: pid ${s.pid}, port ${s.port}, version ${s.version}, up ${formatElapsed(s.uptimeSec ?? 0)}, ${where}\n`);
  } else {
    const stale = s.pid ? ` (pid ${s.pid} in ${SERVER_SESSION} does not answer)` : '';
    process.stdout.write(`gflowd is not running on port ${s.port}${stale} — start it with \`gflowd up\`\n`);
  }
  if (!s.running) process.exitCode = 1;
}
