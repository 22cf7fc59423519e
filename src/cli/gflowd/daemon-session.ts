// How `gflowd up` starts the daemon in tmux: the command, and the environment it carries.
import { fileURLToPath } from 'node:url';

export const GFLOWD_BIN = fileURLToPath(new URL('../../../../bin/gflowd', import.meta.url));

// A tmux server that already runs gives new sessions *its* environment, not the caller's:
// pass what decides where the daemon keeps its state, which tmux it uses and how it runs.
const PASS = /^(HOME|PATH|USER|LOGNAME|SHELL|LANG|LC_[A-Z]+|TZ|XDG_DATA_HOME|XDG_CONFIG_HOME|TMUX_TMPDIR|NO_COLOR|FORCE_COLOR|GFLOW_[A-Z0-9_]+)$/;

export function daemonEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && PASS.test(k)) out[k] = v;
  return out;
}

export function daemonArgv(port: number, cpus?: number): string[] {
  return [process.execPath, GFLOWD_BIN, 'run', '--port', String(port), ...(cpus !== undefined ? ['--cpus', String(cpus)] : [])];
}
