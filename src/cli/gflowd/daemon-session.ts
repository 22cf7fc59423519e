// How `gflowd up` starts the daemon in tmux: the command, and the environment it carries.
import { daemonMode } from '../../config/paths.js';
import { packagePath } from '../../version.js';

export const GFLOWD_BIN = packagePath('bin/gflowd');

// A tmux server that already runs gives new sessions *its* environment, not the caller's:
// pass what decides where the daemon keeps its state, which tmux it uses and how it runs.
// SLURM_CONF: which cluster the Slurm executor talks to.
const PASS = /^(HOME|PATH|USER|LOGNAME|SHELL|LANG|LC_[A-Z]+|TZ|XDG_DATA_HOME|XDG_CONFIG_HOME|TMUX_TMPDIR|NO_COLOR|FORCE_COLOR|GFLOW_[A-Z0-9_]+|SLURM_CONF)$/;

/**
 * The daemon's environment. The port it must listen on travels as GFLOW_PORT, not as a flag,
 * so that the daemon's `flags` (which restart and reload carry over) hold only what the user
 * gave on the command line; a port that came from the environment or the config file follows
 * them at the next restart.
 */
export function daemonEnv(port: number, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && PASS.test(k)) out[k] = v;
  out.GFLOW_PORT = String(port);
  // The daemon runs in the mode this command resolved, whoever's tmux server starts it.
  out.GFLOW_MODE = daemonMode(env);
  return out;
}

/** Options of `gflowd up` that the daemon itself takes, and that restart and reload carry over. */
export interface DaemonFlags {
  port?: number;
  cpus?: number;
  gpus?: string;
  executor?: 'tmux' | 'slurm';
  partition?: string;
  account?: string;
  qos?: string;
}

// No V8 heap flags (--max-semi-space-size=1 kept the RSS of 20,000 queued tasks at 117-122 MB
// instead of 152-153): with one, every daemon start, and so every reload, took 35-50 ms longer.
export function daemonArgv(flags: DaemonFlags): string[] {
  const argv = [process.execPath, GFLOWD_BIN, 'run'];
  if (flags.port !== undefined) argv.push('--port', String(flags.port));
  if (flags.cpus !== undefined) argv.push('--cpus', String(flags.cpus));
  if (flags.gpus !== undefined) argv.push('--gpus', flags.gpus);
  for (const k of ['executor', 'partition', 'account', 'qos'] as const) if (flags[k] !== undefined) argv.push(`--${k}`, flags[k]);
  return argv;
}
