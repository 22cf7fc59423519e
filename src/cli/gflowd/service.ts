// `gflowd service install|print|remove [--user]`: run the daemon as a systemd service, started
// at boot. The unit itself, and why it is so, is in src/cli/gflowd/unit-text.ts.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jobDirs, personalPaths, sharedPaths, type Paths } from '../../config/paths.js';
import { GflowError } from '../../protocol/errors.js';
import { GFLOWD_BIN } from './daemon-session.js';
import { sessionDaemon } from './find-daemon.js';
import { UNIT_NAME, unitText, type UnitScope } from './unit-text.js';

export interface ServiceFlags {
  /** a user unit for a personal daemon, instead of the system unit for the shared one */
  user?: boolean;
}

type Say = (line: string) => void;
const stdout: Say = (l) => process.stdout.write(`${l}\n`);

const SYSTEM_UNIT_DIR = '/etc/systemd/system';
// A service gets no login shell's PATH: these, after node's and tmux's own directories.
const SERVICE_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
// What decides where the daemon keeps its state, its port and its tmux server (GFLOW_MODE is
// the unit's --shared/--personal; test hooks never go into a unit).
const CARRIED = /^(XDG_DATA_HOME|XDG_CONFIG_HOME|TMUX_TMPDIR|GFLOW_(?!MODE$|TEST_)[A-Z0-9_]+)$/;

function scopeOf(o: ServiceFlags): UnitScope {
  return o.user ? 'user' : 'system';
}

function unitPath(scope: UnitScope, env: NodeJS.ProcessEnv = process.env): string {
  if (scope === 'system') return path.join(SYSTEM_UNIT_DIR, UNIT_NAME);
  const config = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(config, 'systemd', 'user', UNIT_NAME);
}

function pathsOf(scope: UnitScope): Paths {
  return scope === 'system' ? sharedPaths() : personalPaths();
}

function onPath(program: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(':').filter((d) => path.isAbsolute(d))) {
    try {
      fs.accessSync(path.join(dir, program), fs.constants.X_OK);
      return dir;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The unit for this scope, written for the node, gflowd and environment of this command. */
export function serviceUnit(scope: UnitScope, env: NodeJS.ProcessEnv = process.env): string {
  const dirs = [path.dirname(process.execPath), onPath('tmux', env), ...SERVICE_PATH].filter((d): d is string => d !== undefined);
  const vars: Record<string, string> = { PATH: [...new Set(dirs)].join(':') };
  for (const [k, v] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) if (v !== undefined && v !== '' && CARRIED.test(k)) vars[k] = v;
  return unitText({ scope, node: process.execPath, gflowd: GFLOWD_BIN, env: vars });
}

// Where systemd is not the init (containers, WSL without it), there is nothing to install into.
// Test hook: GFLOW_TEST_NO_SYSTEMD=1 acts as if so, so that tests never touch a machine's systemd.
function requireSystemd(scope: UnitScope, verb: string): void {
  if (process.env.GFLOW_TEST_NO_SYSTEMD !== '1' && fs.existsSync('/run/systemd/system')) return;
  const up = scope === 'system' ? 'sudo gflowd up' : 'gflowd up';
  throw new GflowError('start_failed', `systemd is not running on this machine (no /run/systemd/system, as in most containers): no service ${verb}; \`${up}\` starts the daemon as before`);
}

function requireOwner(scope: UnitScope, verb: string): void {
  const root = process.getuid?.() === 0;
  if (scope === 'system' && !root) {
    throw new GflowError('forbidden', `the system unit runs the machine's shared daemon: only root can ${verb} it`, `sudo gflowd service ${verb}, or \`gflowd service ${verb} --user\` for a daemon of your own`);
  }
  if (scope === 'user' && root) {
    throw new GflowError('usage', "root's daemon is the machine's shared daemon, which the system unit runs", `sudo gflowd service ${verb} (without --user)`);
  }
}

function systemctl(scope: UnitScope, args: string[]): void {
  const argv = [...(scope === 'user' ? ['--user'] : []), ...args];
  const r = spawnSync('systemctl', argv, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status === 0) return;
  const journal = scope === 'user' ? 'journalctl --user -u gflow' : 'journalctl -u gflow';
  const hint = scope === 'user' ? `is your systemd user manager running (log in directly, not through su or sudo)? See ${journal}` : `see ${journal}`;
  throw new GflowError('start_failed', `systemctl ${argv.join(' ')} failed${r.error ? `: ${r.error.message}` : ` (exit ${r.status})`}`, hint);
}

export function printUnit(o: ServiceFlags, say: Say = stdout): void {
  say(serviceUnit(scopeOf(o)).trimEnd());
}

export async function installService(o: ServiceFlags, say: Say = stdout): Promise<void> {
  const scope = scopeOf(o);
  requireSystemd(scope, 'installed');
  requireOwner(scope, 'install');
  if (!onPath('tmux')) throw new GflowError('start_failed', 'tmux is not on PATH: the daemon and its jobs run in tmux; nothing installed', 'install tmux (apt install tmux), then run this again');
  const file = unitPath(scope);
  const text = serviceUnit(scope);
  const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  const running = await sessionDaemon(pathsOf(scope).stateDir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode: 0o644 });
  try {
    systemctl(scope, ['daemon-reload']);
  } catch (err) {
    // Put back what was there: a failed install changes nothing.
    if (before === undefined) fs.rmSync(file, { force: true });
    else fs.writeFileSync(file, before);
    throw err;
  }
  say(`${before === undefined ? 'Wrote' : before === text ? 'Kept' : 'Updated'} ${file}`);
  // Starting runs `gflowd up`, which leaves a daemon that already runs as it is.
  systemctl(scope, ['enable', '--now', UNIT_NAME]);
  const sudo = scope === 'system' ? 'sudo ' : '';
  const user = scope === 'user' ? ' --user' : '';
  const whose = scope === 'system' ? "the machine's shared gflowd" : 'your gflowd';
  if (running.kind === 'ours') say(`The running gflowd (pid ${running.pid}) is kept: the service adopted it, and its jobs run on.`);
  say(`${UNIT_NAME} is enabled and started: ${whose} runs in the tmux session gflow_server (${sudo}tmux attach -t gflow_server)${scope === 'system' ? ' and starts at every boot' : ''}.`);
  say(`Stop, reload after an upgrade, check: ${sudo}systemctl${user} stop|reload|status gflow (stopping never stops jobs).`);
  if (scope === 'user') {
    const name = os.userInfo().username;
    if (!fs.existsSync(path.join('/var/lib/systemd/linger', name))) {
      say(`Lingering is off for ${name}: the daemon starts at your first login, not at boot, and stops with your last session (which may end its jobs). Keep it running with: loginctl enable-linger ${name} (or ask the admin).`);
    }
  }
}

export async function removeService(o: ServiceFlags, say: Say = stdout): Promise<void> {
  const scope = scopeOf(o);
  requireOwner(scope, 'remove');
  const file = unitPath(scope);
  if (!fs.existsSync(file)) {
    say(`No gflow service is installed (${file} does not exist): nothing to remove.`);
    return;
  }
  const systemd = process.env.GFLOW_TEST_NO_SYSTEMD !== '1' && fs.existsSync('/run/systemd/system');
  // Stopping runs `gflowd down`: the daemon stops, its jobs run on.
  if (systemd) systemctl(scope, ['disable', '--now', UNIT_NAME]);
  fs.rmSync(file, { force: true });
  if (systemd) systemctl(scope, ['daemon-reload']);
  const p = pathsOf(scope);
  const logs = p.mode === 'shared' ? jobDirs(p, 0).logsDir.replace('/users/0/', '/users/<uid>/') : p.logsDir;
  const up = scope === 'system' ? 'sudo gflowd up' : 'gflowd up';
  say(`Removed ${file}${systemd ? '; the service is stopped and disabled' : ''}. Running jobs run on; \`${up}\` starts the daemon by hand and adopts them.`);
  say(`Kept: the database ${p.db}, the daemon's log ${p.daemonLog}, jobs' logs in ${logs}, the configuration in ${p.configDir}.`);
}
