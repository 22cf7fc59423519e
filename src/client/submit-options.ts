// The options of `gflow submit`, defined once: for the command line, for the `# GFLOW`
// directives at the top of a script (parsed by the same definitions), and for callers that give
// them as typed values (the MCP submit tools), which get the same checks and the same messages.
import { InvalidArgumentError, type Command } from 'commander';
import { wholeNumber } from '../core/whole-number.js';
import { usage } from '../protocol/errors.js';

export interface SubmitFlags {
  name?: string;
  jobName?: string;
  gres?: string;
  nice?: number;
  chdir?: string;
  export?: string;
  output?: string;
  error?: string;
  condaEnv?: string;
  autoClose?: boolean;
  signal?: string;
  requeue?: boolean;
  priority?: number;
  cpus?: number;
  time?: string;
  hold?: boolean;
  gpus?: number;
  shared?: boolean;
  gpuMemory?: string;
  dependsOn?: string;
  dependsOnAll?: string;
  dependsOnAny?: string;
  autoCancel?: boolean;
  array?: string;
  each?: string;
  param?: string[];
  paramFile?: string;
  nameTemplate?: string;
  maxConcurrent?: number;
  maxRetries?: number;
  retryOnTimeout?: boolean;
  begin?: string;
  project?: string;
  mem?: string;
  maxLog?: string;
  memory?: string;
  json?: boolean;
  dryRun?: boolean;
  notifyOn?: string;
  mailUser?: string;
  notifyEmail?: string;
}

/** One option: its flags and help text as commander takes them, and how its value is read. */
export interface SubmitOption {
  flags: string;
  about: string;
  /** A whole number of at least this much. */
  int?: number;
  /** Given more than once, its values are collected in a list. */
  repeat?: true;
}

export const SUBMIT_OPTIONS: readonly SubmitOption[] = [
  { flags: '-n, --name <name>', about: 'job name' },
  { flags: '-J, --job-name <name>', about: 'job name (Slurm\'s name for --name)' },
  { flags: '-p, --priority <n>', about: 'higher runs first (default 0)', int: Number.MIN_SAFE_INTEGER },
  { flags: '-c, --cpus <n>', about: 'CPU slots the job needs (default 1)', int: 1 },
  { flags: '-g, --gpus <n>', about: 'whole GPUs the job needs (CUDA_VISIBLE_DEVICES is set)', int: 0 },
  { flags: '--gres <gpu:N>', about: 'GPUs as Slurm asks for them: gpu:N or gpu:<type>:N (= --gpus N)' },
  { flags: '--nice <n>', about: 'lower the priority by N (Slurm\'s --nice)', int: 0 },
  { flags: '--chdir <dir>', about: 'run the job in this directory (default: the current one)' },
  { flags: '--export <vars>', about: 'the environment the job gets: ALL (default), NONE, VAR,VAR2=value or ALL,VAR=value' },
  { flags: '--max-log <size>', about: "keep at most this much of the job's output in its log, e.g. 500M (the log says where it was cut; default: the maxLog setting)" },
  { flags: '-o, --output <file>', about: 'also write the job\'s stdout (and stderr, without --error) to this file: %j id, %x name, %a array task, %A array id, %u user' },
  { flags: '--error <file>', about: 'also write the job\'s stderr to this file (patterns as -o; -e is --conda-env, as in gflow)' },
  { flags: '-e, --conda-env <name>', about: 'run the job with this conda environment activated (as gflow\'s -e)' },
  { flags: '--shared', about: 'share GPUs with other shared jobs within --gpu-memory' },
  { flags: '--gpu-memory <size>', about: 'GPU memory a shared job uses, e.g. 20G (with --shared)' },
  { flags: '-t, --time <limit>', about: 'time limit: MM, MM:SS, HH:MM:SS or D-HH:MM:SS' },
  { flags: '-d, --depends-on <deps>', about: 'start after these: ids, @ / @~N (every job of your last / N-th last submission), with Slurm kinds afterok (default), afterany, afternotok, aftercorr, singleton: -d afterany:12,afterok:13' },
  { flags: '--depends-on-all <deps>', about: 'start after all of these are met, e.g. 3,5-7,@ or afterany:3,afterok:@ (as -d)' },
  { flags: '--depends-on-any <deps>', about: 'start after any one of these is met (kinds as in -d)' },
  { flags: '--no-auto-cancel', about: 'keep waiting when a dependency fails, instead of being cancelled' },
  { flags: '--array <spec>', about: 'an array of tasks: 1-10, 1,3,7, 0-20:5, 1-100%4 (%N: at most N at once)' },
  { flags: '--each <file>', about: 'one job per line of FILE (- for stdin), each line a shell command; every other flag applies to each; one request' },
  { flags: '--param <name=values>', about: 'a sweep parameter: lr=0.1,0.01 or n=1:10[:step]; repeat for a product', repeat: true },
  { flags: '--param-file <csv>', about: 'sweep points from a CSV file (header = parameter names)' },
  { flags: '--name-template <text>', about: 'job names for a sweep, e.g. run-{lr}-{bs}' },
  { flags: '--max-concurrent <n>', about: 'run at most N jobs of an --array, --param sweep or --each at once (not with %N)', int: 1 },
  { flags: '--max-retries <n>', about: 'queue a failed job again, up to N times', int: 0 },
  { flags: '--retry-on-timeout', about: 'also retry jobs stopped at their time limit' },
  { flags: '--begin <time>', about: 'start no earlier than: HH:MM, 2026-12-01T08:00, now+30m' },
  { flags: '--signal <sig@seconds>', about: 'send this signal that many seconds before the time limit (default 60), e.g. USR1@120, so the job can checkpoint' },
  { flags: '--requeue', about: 'when it fails or times out, queue it again under the same id (up to --max-retries, default 5)' },
  { flags: '--auto-close', about: 'remove the job\'s tmux session when it ends (its log stays)' },
  { flags: '--hold', about: 'queue the job on hold; start it with `gflow release`' },
  { flags: '-P, --project <name>', about: 'the project the job counts for (quotas, accounting); `gflow config get projects` lists allowed ones' },
  { flags: '--mem <size>', about: 'host memory the job needs, e.g. 16G; it starts when that much is free (GFLOW_MEM_MB)' },
  { flags: '-m, --memory <size>', about: 'the same as --mem (gflow’s name)' },
  { flags: '--mail-user <address>', about: 'e-mail this address when the job ends (Slurm\'s name; which events: --notify-on)' },
  { flags: '--notify-email <address>', about: 'the same as --mail-user (gflow\'s name)' },
  { flags: '--notify-on <events>', about: 'what --mail-user is told of: start, end (exit 0), fail, timeout, cancel, or all (default: end,fail,timeout,cancel)' },
  { flags: '--dry-run', about: 'print what would be submitted and whether it could start now; submit nothing' },
  { flags: '--json', about: 'print the job(s) as JSON' },
];

/** The option's name in SubmitFlags, as commander names it: --no-auto-cancel is autoCancel. */
export function optionKey(o: SubmitOption): string {
  return longName(o).replace(/^no-/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export const takesValue = (o: SubmitOption): boolean => o.flags.includes('<');
export const isNegated = (o: SubmitOption): boolean => longName(o).startsWith('no-');
const longName = (o: SubmitOption): string => /--([a-z-]+)/.exec(o.flags)![1]!;

export function intOption(name: string, min = Number.MIN_SAFE_INTEGER) {
  return (value: string): number => {
    const n = wholeNumber(value, name, min);
    if (typeof n === 'string') throw new InvalidArgumentError(n);
    return n;
  };
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function addSubmitOptions(cmd: Command): Command {
  for (const o of SUBMIT_OPTIONS) {
    if (o.int !== undefined) cmd.option(o.flags, o.about, intOption(longName(o), o.int));
    else if (o.repeat) cmd.option(o.flags, o.about, collect);
    else cmd.option(o.flags, o.about);
  }
  return cmd;
}

/**
 * The flags given as typed values (a tool's input: strings or numbers, true for a switch, false
 * for a --no- switch, a list for a repeated option), read as the command line reads them.
 */
export function submitFlagsFrom(values: Record<string, unknown>): SubmitFlags {
  const flags: Record<string, unknown> = {};
  for (const o of SUBMIT_OPTIONS) {
    const v = values[optionKey(o)];
    if (v === undefined || v === null) continue;
    if (!takesValue(o)) {
      if (v === !isNegated(o)) flags[optionKey(o)] = v;
    } else if (o.repeat) {
      flags[optionKey(o)] = (Array.isArray(v) ? v : [v]).map(String);
    } else if (o.int !== undefined) {
      const n = wholeNumber(String(v), longName(o), o.int);
      // Worded as commander words a bad value on the command line.
      if (typeof n === 'string') throw usage(`option '${o.flags}' argument '${String(v)}' is invalid. ${n}`);
      flags[optionKey(o)] = n;
    } else {
      flags[optionKey(o)] = String(v);
    }
  }
  return flags as SubmitFlags;
}

/**
 * Flags that are valid one by one but not together, checked on the merged flags (command line
 * and `# GFLOW` directives alike) before anything is sent.
 */
export function checkCombinations(f: SubmitFlags): void {
  if (f.name !== undefined && f.jobName !== undefined) throw usage('--name and -J/--job-name both name the job', 'give one of them');
  if (f.gres !== undefined && f.gpus !== undefined) throw usage('--gres and --gpus both ask for GPUs', 'give one of them');
  if (f.gpuMemory !== undefined && !f.shared) {
    throw usage('--gpu-memory applies to a shared GPU job only', 'add --shared to share a GPU within that memory, or drop --gpu-memory and ask for whole GPUs with -g N');
  }
  if (f.each !== undefined && (f.array !== undefined || (f.param?.length ?? 0) > 0 || f.paramFile !== undefined || f.nameTemplate !== undefined)) {
    throw usage('--each does not go with --array, --param, --param-file or --name-template', 'give one of them: --each makes one job per line of its file');
  }
  const batch = f.array !== undefined || (f.param?.length ?? 0) > 0 || f.paramFile !== undefined || f.each !== undefined;
  if (f.maxConcurrent !== undefined && !batch) {
    throw usage('--max-concurrent applies to an array or a sweep (--array, --param, --param-file, --each), not to a single job', 'drop --max-concurrent, or submit an array or sweep');
  }
  if (f.mem !== undefined && f.memory !== undefined) throw usage('--mem and --memory say the same', 'give one of them');
  if (f.maxConcurrent !== undefined && f.array?.includes('%')) {
    throw usage(`--array '${f.array}' (its %N) and --max-concurrent both cap the running tasks`, 'give one of them: --array 1-10%4, or --array 1-10 --max-concurrent 4');
  }
}
