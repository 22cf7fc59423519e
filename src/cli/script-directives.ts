// `# GFLOW --flag=value` lines at the top of a script (after the #! line, among the leading
// comments and blank lines) set submit flags; flags on the command line win.
import { parseTimeLimit } from '../core/duration.js';
import { usage } from './fail.js';

export interface SubmitFlags {
  name?: string;
  priority?: number;
  cpus?: number;
  time?: string;
  hold?: boolean;
}

const ALIASES: Record<string, keyof SubmitFlags> = {
  name: 'name', n: 'name', J: 'name', 'job-name': 'name',
  priority: 'priority', p: 'priority',
  cpus: 'cpus', c: 'cpus',
  time: 'time', t: 'time',
  hold: 'hold',
};

export function parseDirectives(text: string, where: string): SubmitFlags {
  const flags: SubmitFlags = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (i === 0 && line.startsWith('#!')) continue;
    if (line === '') continue;
    if (!line.startsWith('#')) break;
    const m = /^#\s*GFLOW\s+(.*)$/.exec(line);
    if (!m) continue;
    const tokens = m[1]!.trim().split(/\s+/);
    for (let t = 0; t < tokens.length; t++) {
      const tok = tokens[t]!;
      const opt = /^--?([A-Za-z-]+)(?:=(.*))?$/.exec(tok);
      const key = opt ? ALIASES[opt[1]!] : undefined;
      if (!opt || !key) throw usage(`${where}:${i + 1}: unknown directive '${tok}'`, 'directives: --name, --priority, --cpus, --time, --hold');
      if (key === 'hold') {
        flags.hold = true;
        continue;
      }
      const value = opt[2] ?? tokens[++t];
      if (value === undefined) throw usage(`${where}:${i + 1}: ${tok} needs a value`);
      if (key === 'priority' || key === 'cpus') {
        const n = Number(value);
        if (!Number.isSafeInteger(n) || (key === 'cpus' && n < 1)) throw usage(`${where}:${i + 1}: ${key} must be a whole number${key === 'cpus' ? ' ≥ 1' : ''}`);
        flags[key] = n;
      } else if (key === 'time') {
        parseTimeLimit(value);
        flags.time = value;
      } else {
        flags.name = value;
      }
    }
  }
  return flags;
}
