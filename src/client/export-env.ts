// sbatch's --export: which of the submitter's variables the job gets.
//   ALL (the default)          every variable
//   NONE                       none but a login's basics (HOME, USER, LOGNAME, SHELL, LANG, a
//                              default PATH), so the job still finds programs
//   VAR,VAR2=val               the basics plus these (VAR: its value here)
//   ALL,VAR=val                every variable, with these set
import { usage } from '../protocol/errors.js';

const BASICS = ['HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG'];
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function exportEnv(spec: string, env: Record<string, string>): Record<string, string> {
  const parts = spec.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) throw usage(`--export '${spec}' names nothing`, 'use ALL, NONE, or VAR,VAR2=value');
  const all = parts[0]!.toUpperCase() === 'ALL';
  const none = parts[0]!.toUpperCase() === 'NONE';
  if (none && parts.length > 1) throw usage('--export NONE takes no variables', 'use VAR,VAR2=value for the basics plus those variables');
  const out: Record<string, string> = all ? { ...env } : { PATH: DEFAULT_PATH };
  if (!all) for (const k of BASICS) if (env[k] !== undefined) out[k] = env[k];
  for (const p of all || none ? parts.slice(1) : parts) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/.exec(p);
    if (!m) throw usage(`--export: '${p}' is not a variable name or VAR=value`, 'e.g. --export ALL,OMP_NUM_THREADS=4');
    const value = m[2] ?? env[m[1]!];
    if (value !== undefined) out[m[1]!] = value;
  }
  return out;
}
