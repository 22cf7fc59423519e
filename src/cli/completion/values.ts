// The values an option or argument takes, for completion, by the name the command definitions
// give it. The words come from where the CLI's own parsers take them (job states, signals,
// settings), so a completed value is one the command accepts.
import os from 'node:os';
import { SETTING_KEYS } from '../../config/schema.js';
import { JOB_STATES, STATE_CODES } from '../../protocol/job.js';

export type Values =
  /** these words; list: a comma-separated list of them (`R,PD`) */
  | { kind: 'words'; words: readonly string[]; list?: boolean }
  /** the caller's job ids that the command can act on (`gflow __complete ids <command>`) */
  | { kind: 'ids'; list?: boolean }
  | { kind: 'files' | 'dirs' | 'commands' | 'users' }
  /** a value, but nothing to offer (a number, a name, a time) */
  | { kind: 'none' };

const stateWords = (states: readonly (typeof JOB_STATES)[number][]): string[] => [...states.map((s) => STATE_CODES[s]), ...states];

/** Signal names as `parseSignal` (src/core/signals.ts) accepts them, without SIG. */
function signalNames(): string[] {
  return Object.keys(os.constants.signals)
    .filter((s) => s !== 'SIGBREAK' && s !== 'SIGLOST')
    .map((s) => s.slice(3));
}

const JOB_LIST: Values = { kind: 'ids', list: true };

// Keyed by the long flag, or by the long flag and its placeholder where one name means two
// things (gflowd's `--gpus <list>` is a GPU list, gflow's `--gpus <n>` a count).
const OPTIONS: Record<string, () => Values> = {
  '--states': () => ({ kind: 'words', words: stateWords(JOB_STATES), list: true }),
  '--jobs': () => JOB_LIST,
  '--depends-on': () => JOB_LIST,
  '--depends-on-all': () => JOB_LIST,
  '--depends-on-any': () => JOB_LIST,
  '--user': () => ({ kind: 'users' }),
  '--chdir': () => ({ kind: 'dirs' }),
  '--output': () => ({ kind: 'files' }),
  '--error': () => ({ kind: 'files' }),
  '--param-file': () => ({ kind: 'files' }),
  '--signal': () => ({ kind: 'words', words: signalNames() }),
  '--export': () => ({ kind: 'words', words: ['ALL', 'NONE'] }),
  '--gpus <list>': () => ({ kind: 'words', words: ['all'] }),
};

const ARGUMENTS: Record<string, () => Values> = {
  job: () => ({ kind: 'ids' }),
  jobs: () => JOB_LIST,
  signal: () => ({ kind: 'words', words: signalNames() }),
  key: () => ({ kind: 'words', words: SETTING_KEYS }),
  command: () => ({ kind: 'commands' }),
  gpus: () => ({ kind: 'words', words: ['all'] }),
};

export function optionValues(flag: string, placeholder: string): Values | undefined {
  return (OPTIONS[`${flag} ${placeholder}`] ?? OPTIONS[flag])?.();
}

export function argumentValues(name: string): Values | undefined {
  return ARGUMENTS[name]?.();
}
