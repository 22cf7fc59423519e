// The options of `gflow submit`, defined once: for the command line and for the `# GFLOW`
// directives at the top of a script, which are parsed by the same definitions.
import { Command, InvalidArgumentError, Option } from 'commander';
import { wholeNumber } from '../core/whole-number.js';
import { usage } from './fail.js';

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

export function intOption(name: string, min = Number.MIN_SAFE_INTEGER) {
  return (value: string): number => {
    const n = wholeNumber(value, name, min);
    if (typeof n === 'string') throw new InvalidArgumentError(n);
    return n;
  };
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function addSubmitOptions(cmd: Command): Command {
  return cmd
    .option('-n, --name <name>', 'job name')
    .option('-J, --job-name <name>', 'job name (Slurm\'s name for --name)')
    .option('-p, --priority <n>', 'higher runs first (default 0)', intOption('priority'))
    .option('-c, --cpus <n>', 'CPU slots the job needs (default 1)', intOption('cpus', 1))
    .option('-g, --gpus <n>', 'whole GPUs the job needs (CUDA_VISIBLE_DEVICES is set)', intOption('gpus', 0))
    .option('--gres <gpu:N>', 'GPUs as Slurm asks for them: gpu:N or gpu:<type>:N (= --gpus N)')
    .option('--nice <n>', 'lower the priority by N (Slurm\'s --nice)', intOption('nice', 0))
    .option('--chdir <dir>', 'run the job in this directory (default: the current one)')
    .option('--export <vars>', 'the environment the job gets: ALL (default), NONE, VAR,VAR2=value or ALL,VAR=value')
    .option('--max-log <size>', "keep at most this much of the job's output in its log, e.g. 500M (the log says where it was cut; default: the maxLog setting)")
    .option('-o, --output <file>', 'also write the job\'s stdout (and stderr, without --error) to this file: %j id, %x name, %a array task, %A array id, %u user')
    .option('--error <file>', 'also write the job\'s stderr to this file (patterns as -o; -e is --conda-env, as in gflow)')
    .option('-e, --conda-env <name>', 'run the job with this conda environment activated (as gflow\'s -e)')
    .option('--shared', 'share GPUs with other shared jobs within --gpu-memory')
    .option('--gpu-memory <size>', 'GPU memory a shared job uses, e.g. 20G (with --shared)')
    .option('-t, --time <limit>', 'time limit: MM, MM:SS, HH:MM:SS or D-HH:MM:SS')
    .option('-d, --depends-on <deps>', 'start after these: ids, @ / @~N (every job of your last / N-th last submission), with Slurm kinds afterok (default), afterany, afternotok, aftercorr, singleton: -d afterany:12,afterok:13')
    .option('--depends-on-all <deps>', 'start after all of these are met, e.g. 3,5-7,@ or afterany:3,afterok:@ (as -d)')
    .option('--depends-on-any <deps>', 'start after any one of these is met (kinds as in -d)')
    .option('--no-auto-cancel', 'keep waiting when a dependency fails, instead of being cancelled')
    .option('--array <spec>', 'an array of tasks: 1-10, 1,3,7, 0-20:5, 1-100%4 (%N: at most N at once)')
    .option('--each <file>', 'one job per line of FILE (- for stdin), each line a shell command; every other flag applies to each; one request')
    .option('--param <name=values>', 'a sweep parameter: lr=0.1,0.01 or n=1:10[:step]; repeat for a product', collect)
    .option('--param-file <csv>', 'sweep points from a CSV file (header = parameter names)')
    .option('--name-template <text>', 'job names for a sweep, e.g. run-{lr}-{bs}')
    .option('--max-concurrent <n>', 'run at most N jobs of an --array, --param sweep or --each at once (not with %N)', intOption('max-concurrent', 1))
    .option('--max-retries <n>', 'queue a failed job again, up to N times', intOption('max-retries', 0))
    .option('--retry-on-timeout', 'also retry jobs stopped at their time limit')
    .option('--begin <time>', 'start no earlier than: HH:MM, 2026-12-01T08:00, now+30m')
    .option('--signal <sig@seconds>', 'send this signal that many seconds before the time limit (default 60), e.g. USR1@120, so the job can checkpoint')
    .option('--requeue', 'when it fails or times out, queue it again under the same id (up to --max-retries, default 5)')
    .option('--auto-close', 'remove the job\'s tmux session when it ends (its log stays)')
    .option('--hold', 'queue the job on hold; start it with `gflow release`')
    .option('-P, --project <name>', 'the project the job counts for (quotas, accounting); `gflow config get projects` lists allowed ones')
    .option('--mem <size>', 'host memory the job needs, e.g. 16G; it starts when that much is free (GFLOW_MEM_MB)')
    .option('-m, --memory <size>', 'the same as --mem (gflow’s name)')
    .option('--mail-user <address>', 'e-mail this address when the job ends (Slurm\'s name; which events: --notify-on)')
    .option('--notify-email <address>', 'the same as --mail-user (gflow\'s name)')
    .option('--notify-on <events>', 'what --mail-user is told of: start, end (exit 0), fail, timeout, cancel, or all (default: end,fail,timeout,cancel)')
    .option('--dry-run', 'print what would be submitted and whether it could start now; submit nothing')
    .addOption(new Option('--json', 'print the job(s) as JSON'));
}

/** Parses directive tokens (`--gpus=1 --name x`) with the same definitions as the CLI. */
export function parseDirectiveTokens(tokens: string[], where: string): { flags: SubmitFlags; given: Set<string> } {
  const cmd = addSubmitOptions(new Command('directives'))
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: () => {} })
    .allowExcessArguments(false);
  try {
    cmd.parse(tokens, { from: 'user' });
  } catch (err) {
    throw new InvalidArgumentError(`${where}: ${(err as Error).message.replace(/^error: /, '')}`);
  }
  const given = new Set(Object.keys(cmd.opts()).filter((k) => cmd.getOptionValueSource(k) === 'cli'));
  return { flags: cmd.opts<SubmitFlags>(), given };
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
