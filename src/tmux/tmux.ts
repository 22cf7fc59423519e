// The only code that builds tmux command lines.
//
// Sessions are always addressed as `=name:` — `=` for an exact match (a bare `-t name`
// matches by prefix) and the trailing `:` so that pane and window targets resolve too.
// GFLOW_TMUX_SOCKET selects a private server (`tmux -L <name>`); tests use it, users don't.
import { execFile } from 'node:child_process';
import { TmuxControl, type TmuxResult } from './control.js';
import { accountEnv, switchTo, type Account } from '../identity/as-account.js';

export type { TmuxResult };

export function socketArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  const socket = env.GFLOW_TMUX_SOCKET;
  return socket ? ['-L', socket] : [];
}

export const target = (session: string): string => `=${session}:`;

/**
 * Output as UTF-8 whatever the locale: in a C locale (LANG unset, as for a systemd service)
 * tmux prints a tab of a -F format as `_`, and gflow reads tab-separated formats.
 */
const UTF8 = '-u';

let control: TmuxControl | undefined;

/**
 * Sends the daemon's tmux commands through a control-mode client attached to the daemon's
 * own session (no tmux process per command). Outside tmux, commands start tmux each time.
 */
export function useControlClient(env: NodeJS.ProcessEnv = process.env): void {
  if (!env.TMUX || !env.TMUX_PANE) return;
  control = TmuxControl.start([UTF8, ...socketArgs(env)], env.TMUX_PANE, env);
}

export async function closeControlClient(): Promise<void> {
  const c = control;
  control = undefined;
  await c?.close();
}

/**
 * Another account whose own tmux server a command goes to (a shared daemon runs each job in
 * its owner's server, so the owner can attach to it and nobody else can).
 */
export interface RunAs extends Account {
  /** TMUX_TMPDIR of that account's server (unset: tmux's default, /tmp) */
  tmuxTmpdir?: string;
}

const myUid = process.getuid?.() ?? 0;

// The command line and environment that run tmux as `as`: setpriv switches to the account
// with its groups; the environment is the account's, plus where its server keeps its socket
// (never this process's own TMUX_TMPDIR: root's is no place for a user's socket).
function command(args: string[], as: RunAs | undefined): { file: string; argv: string[]; env: NodeJS.ProcessEnv } {
  const tmuxArgs = [UTF8, ...socketArgs(), ...args];
  if (!as || as.uid === myUid) return { file: 'tmux', argv: tmuxArgs, env: as?.tmuxTmpdir ? { ...process.env, TMUX_TMPDIR: as.tmuxTmpdir } : process.env };
  const env: NodeJS.ProcessEnv = { ...accountEnv(as), TERM: process.env.TERM ?? 'xterm-256color' };
  if (as.tmuxTmpdir) env.TMUX_TMPDIR = as.tmuxTmpdir;
  return { file: 'setpriv', argv: [...switchTo(as), 'tmux', ...tmuxArgs], env };
}

/**
 * Runs a program as another account (for what root must not do in that account's files).
 * groups: false runs it without the account's supplementary groups (kill(1) needs none, and
 * looking them up costs a read of the group database each time). timeoutMs: killed after that
 * long (the account owns the process and could stop it: what waits for it must not wait forever).
 */
export function runAs(as: RunAs, argv: string[], o: { groups?: boolean; timeoutMs?: number } = {}): Promise<TmuxResult> {
  const { env } = command([], as);
  return new Promise((resolve) => {
    execFile('setpriv', [...switchTo(as, o), ...argv], { env, timeout: o.timeoutMs ?? 0, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      resolve({ code: err ? 1 : 0, stdout, stderr });
    });
  });
}

export function tmux(args: string[], as?: RunAs): Promise<TmuxResult> {
  // The control client is attached to this process's own server only.
  const viaControl = (!as || (as.uid === myUid && !as.tmuxTmpdir)) && control?.alive ? control.run(args) : undefined;
  if (viaControl) return viaControl;
  const c = command(args, as);
  return new Promise((resolve) => {
    execFile(c.file, c.argv, { env: c.env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : 127) : 0;
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        resolve({ code: 127, stdout: '', stderr: 'tmux is not installed (apt-get install tmux)' });
        return;
      }
      resolve({ code, stdout, stderr });
    });
  });
}

async function tmuxOk(args: string[], what: string, as?: RunAs): Promise<string> {
  const r = await tmux(args, as);
  if (r.code !== 0) throw new Error(`${what}: ${r.stderr.trim() || `tmux exited ${r.code}`}`);
  return r.stdout;
}

// tmux expands formats (#{…}) in some arguments (-c, the pipe-pane command): `##` is a `#`.
export const escapeFormat = (text: string): string => text.replace(/#/g, '##');

// Quotes a word for the /bin/sh that tmux runs pipe-pane commands with.
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface NewSessionOptions {
  name: string;
  argv: string[];
  cwd?: string;
  env?: Record<string, string>;
  /** keep the pane after its process exits, so its output and exit status stay readable */
  remainOnExit?: boolean;
  /** a sh command that gets everything the pane prints, from the first byte (pipe-pane) */
  logCommand?: string;
  /** whose tmux server the session goes to (default: this process's) */
  as?: RunAs;
  width?: number;
  height?: number;
}

/** Creates a detached session running `argv` directly (no shell, no send-keys); returns the pane PID. */
export async function newSession(o: NewSessionOptions): Promise<number> {
  const out = await tmuxOk(newSessionArgs(o), `cannot create tmux session ${o.name}`, o.as);
  const pid = Number(out.trim().split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`tmux did not report a pane PID for ${o.name}`);
  return pid;
}

/** The tmux arguments (without the socket) that create a session as `newSession` does; it prints the pane PID. */
export function newSessionArgs(o: Omit<NewSessionOptions, 'as'>): string[] {
  const args = ['new-session', '-d', '-s', o.name, '-x', String(o.width ?? 200), '-y', String(o.height ?? 50), '-P', '-F', '#{pane_pid}'];
  if (o.cwd) args.push('-c', escapeFormat(o.cwd));
  for (const [k, v] of Object.entries(o.env ?? {})) args.push('-e', `${k}=${v}`);
  args.push('--', ...o.argv);
  // Options and logging go in the same tmux invocation: the server runs the whole command
  // list before it reads the pane, so no output and no early exit can slip past them.
  if (o.remainOnExit) args.push(';', 'set-option', '-p', '-t', target(o.name), 'remain-on-exit', 'on');
  if (o.logCommand) args.push(';', 'pipe-pane', '-t', target(o.name), '-o', escapeFormat(o.logCommand));
  return args;
}

export async function tmuxServerRunning(as?: RunAs): Promise<boolean> {
  return (await tmux(['list-sessions', '-F', '#{session_name}'], as)).code === 0;
}

export async function hasSession(name: string, as?: RunAs): Promise<boolean> {
  return (await tmux(['has-session', '-t', target(name)], as)).code === 0;
}

export interface PaneInfo {
  pid: number;
  command: string;
  dead: boolean;
}

export async function listPanes(session: string, as?: RunAs): Promise<PaneInfo[]> {
  const r = await tmux(['list-panes', '-t', target(session), '-F', '#{pane_pid}\t#{pane_current_command}\t#{pane_dead}'], as);
  if (r.code !== 0) return [];
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [pid, command, dead] = line.split('\t');
      return { pid: Number(pid), command: command ?? '', dead: dead === '1' };
    });
}

export async function listSessions(): Promise<string[]> {
  const r = await tmux(['list-sessions', '-F', '#{session_name}']);
  return r.code === 0 ? r.stdout.split('\n').filter(Boolean) : [];
}

/** The clients attached to a session (control clients too): their ttys. */
export async function listClients(session: string): Promise<string[]> {
  const r = await tmux(['list-clients', '-t', target(session), '-F', '#{client_tty}']);
  return r.code === 0 ? r.stdout.split('\n').filter(Boolean) : [];
}

export async function killSession(name: string, as?: RunAs): Promise<boolean> {
  return (await tmux(['kill-session', '-t', target(name)], as)).code === 0;
}

/** Types text into a session's pane (literally: no key names), then Enter if asked. */
export async function sendKeys(session: string, text: string, enter: boolean, as?: RunAs): Promise<void> {
  if (text !== '') await tmuxOk(['send-keys', '-t', target(session), '-l', '--', text], 'send keys', as);
  if (enter) await tmuxOk(['send-keys', '-t', target(session), 'Enter'], 'send keys', as);
}

export async function renameSession(from: string, to: string): Promise<void> {
  await tmuxOk(['rename-session', '-t', target(from), to], `cannot rename tmux session ${from}`);
}

/** The pane's visible text and scrollback (works on a dead pane too). */
export async function capturePane(session: string, lines = 2000): Promise<string> {
  const r = await tmux(['capture-pane', '-p', '-t', target(session), '-S', `-${lines}`]);
  return r.code === 0 ? r.stdout : '';
}

/** The tmux socket (`-L`) of a Slurm job's own server on its node (src/executor/slurm/batch-script.ts). */
export function slurmSocket(slurmId: number): string {
  return `gflow-slurm-${slurmId}`;
}

/** argv (program first) that attaches to a Slurm job's session on its node, from the login node. */
export function slurmAttachArgv(slurmId: number, session: string): string[] {
  return ['srun', `--jobid=${slurmId}`, '--overlap', '--pty', '--quiet', 'tmux', '-L', slurmSocket(slurmId), 'attach-session', '-t', target(session)];
}

/**
 * `tmux attach` to a session of the server whose sockets are under `tmuxTmpdir` (default: the
 * caller's own), for a caller that spawns it on a terminal: its argv and environment.
 */
export function tmuxAttach(session: string, tmuxTmpdir?: string, env: NodeJS.ProcessEnv = process.env): { argv: string[]; env: NodeJS.ProcessEnv } {
  // Inside tmux, attaching would nest; switch the current client instead. A client of another
  // server (whose socket is elsewhere) cannot switch to this one's session: then it nests.
  const inside = Boolean(env.TMUX) && (!tmuxTmpdir || env.TMUX!.startsWith(`${tmuxTmpdir}/`));
  const out: NodeJS.ProcessEnv = { ...env, ...(tmuxTmpdir && { TMUX_TMPDIR: tmuxTmpdir }) };
  if (!inside) delete out.TMUX;
  const verb = inside ? ['switch-client', '-t'] : ['attach-session', '-t'];
  return { argv: [...socketArgs(env), ...verb, target(session)], env: out };
}

/**
 * Sets the status line of the session that `pane` (e.g. `%3`, from $TMUX_PANE) is in. The
 * texts are shown literally: `#` is escaped, so a job's name can never run a command (`#(…)`).
 */
export async function setStatusLine(pane: string, left: string, right: string): Promise<void> {
  const set = (option: string, value: string): Promise<TmuxResult> => tmux(['set-option', '-t', pane, option, value]);
  await Promise.all([set('status-left-length', '60'), set('status-right-length', '220'), set('status-left', escapeFormat(left)), set('status-right', escapeFormat(right))]);
}
