// `gflow`: the user's command line. Each command's code is imported only when it runs, so
// that `gflow submit` does not pay for what `gflow config` or `gflow queue --watch` need.
import { Command, Option } from 'commander';
import { packageVersion } from '../version.js';
import { run } from './run-action.js';
import { addSetupCommands } from './setup-commands.js';
import { addSubmitOptions, intOption as int, type SubmitFlags } from '../client/submit-options.js';
import { fieldLabel, UPDATE_FIELDS } from '../client/update-request.js';
import { addCompletionCommands } from './commands/completion.js';
import { addMcpCommand } from './commands/mcp.js';

// Every command of gflow, defined once: what runs, what --help says, what completion offers.
// Each is its name, its aliases, and what it takes and runs; a run defines only the command it
// calls (defining all of them is ~3 ms of every start).
const COMMANDS: [names: [string, ...string[]], define: (cmd: Command) => void][] = [
  [['submit'], (cmd) => {
    addSubmitOptions(
      cmd
        .description('queue a job: a command after --, a script file with # GFLOW directives, or - for a script on stdin')
        .usage('[options] -- <command...> | <script> | -'),
    )
      .argument('[command...]', 'the command and its arguments, a script path, or -')
      .addHelpText('after', '\nMany jobs in one request: --array 1-100 (one task per index, $GFLOW_ARRAY_TASK_ID), --param (a sweep), --each FILE (one job per line of FILE, - for stdin).')
      .passThroughOptions()
      .action(run(async () => {
        const { submitCommand } = await import('./commands/submit.js');
        return (args: string[], flags: SubmitFlags, c: Command) => submitCommand(args, flags, c, ownCommand);
      }));
  }],
  [['queue', 'q', 'list'], (cmd) => {
    cmd
      .description('list jobs (active ones by default)')
      .option('-a, --all', 'include ended jobs')
      .option('-s, --states <list>', 'only these states, e.g. R,PD or running,queued')
      .option('-j, --jobs <ids>', 'only these job ids, e.g. 1,3,5-9')
      .option('-n, --limit <n>', 'only the newest N jobs', int('limit', 1))
      .option('-t, --tree', 'show dependencies as a tree')
      .option('-u, --user <name>', "only this user's jobs (default: every user's, as squeue)")
      .option('--me', 'only your own jobs')
      .option('--all-users', "every user's jobs (the default)")
      .option('-N, --names <list>', 'only jobs of these names, e.g. train,eval-* (* matches anything)')
      .option('-P, --project <name>', "only this project's jobs")
      .option('--since <time>', 'active jobs and those ended since: 7d, 12h, today, 2026-11-20 08:00, ISO 8601')
      .option('--format <columns>', 'columns as squeue names them, e.g. JOBID,NAME:40,ST,TIME,TIMELIMIT,USER,GPUS,NODELIST(REASON) (":.N" right-aligns), or an squeue -o string like "%.18i %.30j %t %M %R"')
      .option('-o, --output <kind>', 'table (default), json, csv or yaml; times in json/csv/yaml are ISO 8601 with zone, durations seconds')
      .option('-S, --sort <keys>', 'sort as squeue -S: letters or column names, - for descending, e.g. -t,p,i or -TIME,NAME')
      .option('-w, --watch', 'redraw on every change until Ctrl-C')
      .option('--json', 'print jobs as JSON (as -o json)')
      .action(run(async () => (await import('./commands/queue.js')).queueCommand));
  }],
  [['events'], (cmd) => {
    cmd
      .description("the daemon's event stream: jobs submitted, started, ended, held, released, updated, cancelled; GPUs; daemon starts and reloads")
      .option('-f, --follow', 'keep printing new events until Ctrl-C (survives gflowd reload and restarts, missing none)')
      .option('-j, --job <id>', "only this job's events (an id or @)")
      .option('--type <list>', 'only these types, e.g. ended,cancelled or job.started,gpus.changed')
      .option('--after <id>', 'the events after this event id (resume where you left off)', int('after', 0))
      .option('-n, --last <n>', 'first the newest N events (default without -f: 100)', int('last', 0))
      .option('--json', 'one JSON object per line (id, type, at, job, data)')
      .action(run(async () => (await import('./commands/events.js')).eventsCommand));
  }],
  [['share', 'usage'], (cmd) => {
    cmd
      .description("fair share: every user's recent use (decayed CPU- and GPU-hours), lowest first — the order among jobs of equal priority")
      .option('--json', 'print as JSON')
      .action(run(async () => (await import('./commands/share.js')).shareCommand));
  }],
  [['stats'], (cmd) => {
    cmd
      .description('what ended jobs did: counts by end state, success rate, wait and run time, GPU- and CPU-hours, per user and project, the longest jobs')
      .option('--since <time>', 'jobs ended since: 7d, 12h, today, yesterday, 2026-11-20, 2026-11-20 08:00 or ISO 8601 (default: all time)')
      .option('-u, --user <name>', "only this user's jobs")
      .option('--all-users', "every user's jobs (on a shared machine the default is your own)")
      .option('-P, --project <name>', "only this project's jobs")
      .option('--json', 'print as JSON (times ISO 8601)')
      .option('--csv', 'print the total, each user and each project as CSV rows')
      .action(run(async () => (await import('./commands/stats.js')).statsCommand));
  }],
  [['show'], (cmd) => {
    cmd
      .description('everything about jobs')
      .argument('<job...>', 'job ids or lists (3 5 7-9), or @ / @~N: the newest job of your last / N-th last submission')
      .option('--json', 'print the job as JSON (a list when several are asked for)')
      .action(run(async () => (await import('./commands/show.js')).showCommand));
  }],
  [['log'], (cmd) => {
    cmd
      .description("print a job's output")
      .argument('<job>', 'job id, or @ / @~N: the newest job of your last / N-th last submission')
      .option('-f, --follow', 'keep printing new output until the job ends')
      .addOption(new Option('--first <n>', 'only the first N lines (not with --last or -f)').argParser(int('--first', 1)).conflicts(['last', 'follow']))
      .addOption(new Option('--last <n>', 'only the last N lines').argParser(int('--last', 1)))
      .option('--raw', 'the bytes as the terminal received them (colours, carriage returns)')
      .action(run(async () => (await import('./commands/log.js')).logCommand));
  }],
  [['attach'], (cmd) => {
    cmd
      .description("attach your terminal to a running job's tmux session (detach with Ctrl-b d)")
      .argument('<job>', 'job id, or @ / @~N: the newest job of your last / N-th last submission')
      .action(run(async () => (await import('./commands/attach.js')).attachCommand));
  }],
  [['cancel'], jobAction('cancel', 'cancel jobs: queued ones never start, running ones get SIGTERM, then SIGKILL after the grace period')],
  [['hold'], jobAction('hold', 'keep queued jobs from starting')],
  [['release'], jobAction('release', 'let held jobs start again', (cmd) => cmd.option('--at <time>', 'start no earlier than this: HH:MM, 2026-12-01T08:00, now+30m'))],
  [['update'], (cmd) => {
    cmd
      .description('change queued or held jobs')
      .argument('<jobs>', 'job ids like 1,3,5-9, or @ / @~N: every job of your last / N-th last submission');
    for (const f of UPDATE_FIELDS) {
      const o = new Option(f.flags, f.about);
      cmd.addOption(f.min === undefined ? o : o.argParser(int(fieldLabel(f), f.min)));
    }
    cmd.action(run(async () => (await import('./commands/manage.js')).updateCommand));
  }],
  [['redo'], (cmd) => {
    cmd
      .description('submit an ended job again')
      .argument('<job>', 'job id, or @ / @~N: the newest job of your last / N-th last submission')
      .option('--cascade', 'also redo the jobs cancelled because this one failed, waiting on the new one')
      .option('--json', 'print the new jobs as JSON')
      .action(run(async () => (await import('./commands/manage.js')).redoCommand));
  }],
  [['why'], (cmd) => {
    cmd
      .description('why a job is still waiting: dependencies, resources and who holds them, its place in the queue')
      .argument('<job>', 'job id, or @ / @~N: the newest job of your last / N-th last submission')
      .option('--json', 'print the explanation as JSON')
      .action(run(async () => (await import('./commands/manage.js')).whyCommand));
  }],
  [['new'], (cmd) => {
    cmd
      .description('write NAME.sh, a job script template with # GFLOW directives and comments (never overwrites)')
      .argument('<name>', 'the script\'s name, e.g. train')
      .action(run(async () => (await import('./commands/new.js')).newCommand));
  }],
  [['send'], (cmd) => {
    cmd
      .description("type text into a running job's terminal (tmux send-keys), for programs that ask questions")
      .argument('<job>', 'job id, or @ / @~N: the newest job of your last / N-th last submission')
      .argument('[text...]', 'the text, sent literally')
      .option('--enter', 'press Enter after the text')
      .action(run(async () => (await import('./commands/control.js')).sendCommand));
  }],
  [['limit'], (cmd) => {
    cmd
      .description("change how many tasks of an array or sweep run at once, also while it runs (its %N)")
      .argument('<job>', 'any job of the array or sweep (its first id, or @)')
      .argument('<n>', 'at most N at once, or none')
      .action(run(async () => (await import('./commands/control.js')).limitCommand));
  }],
  [['requeue'], (cmd) => {
    cmd
      .description('put failed or timed-out jobs back in the queue under the same id (earlier runs stay in `gflow show`)')
      .argument('<jobs>', 'job ids like 1,3,5-9, or @ / @~N: every job of your last / N-th last submission')
      .action(run(async () => (await import('./commands/control.js')).requeueCommand));
  }],
  [['clean'], (cmd) => {
    cmd
      .description("remove ended jobs' records and files (log, status, spec); your own (root: everyone's)")
      .option('--older-than <age>', 'only jobs that ended longer ago than this: 30d, 12h, 1w (default: any age)')
      .option('-s, --states <list>', 'only these ended states: CD,F,CA,TO (default: all four)')
      .addOption(new Option('--state <list>').hideHelp()) // the spelling it had before: --states, as queue says it
      .option('--dry-run', 'say what would be removed; remove nothing')
      .action(run(async () => (await import('./commands/clean.js')).cleanCommand));
  }],
  [['signal'], (cmd) => {
    cmd
      .description("send a signal to every process of running jobs (the job's whole process tree)")
      .argument('<jobs>', 'job ids like 1,3,5-9, or @ / @~N: every job of your last / N-th last submission')
      .argument('<signal>', 'USR1, SIGTERM, INT, 10, …')
      .action(run(async () => (await import('./commands/signal.js')).signalCommand));
  }],
  [['wait'], (cmd) => {
    cmd
      .description('wait until jobs have ended, printing each end; exit 0 when all finished, 1 otherwise')
      .argument('<jobs...>', 'job ids like 1,3,5-9, or @ / @~N: every job of your last / N-th last submission')
      .option('--timeout <duration>', 'give up after this long (90s, 10m, 2h, HH:MM:SS), exit 124')
      .option('-q, --quiet', 'print nothing; only the exit code tells')
      .action(run(async () => (await import('./commands/wait.js')).waitCommand));
  }],
  [['info'], (cmd) => {
    cmd
      .description('GPUs (who holds each), CPU slots in use, jobs by state')
      .option('--json', 'print as JSON')
      .action(run(async () => (await import('./commands/info.js')).infoCommand));
  }],
  [['ui'], (cmd) => {
    cmd
      .description("print (and on a desktop open, through a one-time local address) a link to the web dashboard that logs your account's browser in once, within a minute")
      .option('--no-open', 'only print the link')
      .action(run(async () => (await import('./commands/ui.js')).uiCommand));
  }],
  [['close'], (cmd) => {
    cmd
      .description("remove the tmux sessions of ended jobs (kept after the end so you can look at them)")
      .argument('[jobs]', 'job ids like 1,3,5-9')
      .option('--all-finished', 'every ended job')
      .action(run(async () => (await import('./commands/close.js')).closeCommand));
  }],
];

/** cancel, hold and release: the same arguments, one action each. */
function jobAction(name: 'cancel' | 'hold' | 'release', what: string, more: (cmd: Command) => Command = (cmd) => cmd): (cmd: Command) => void {
  return (cmd) =>
    void more(cmd.description(what).argument('<jobs>', 'job ids like 1,3,5-9, or @ / @~N: every job of your last / N-th last submission').option('--json', 'print the jobs as JSON')).action(
      run(async () => (await import('./commands/actions.js')).actionCommand(name)),
    );
}


export async function main(argv: string[]): Promise<void> {
  // `gflow queue | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  await gflowProgram(argv[2]).parseAsync(argv);
}

/**
 * `gflow submit queue` or `gflow submit status` meant a gflow or gflowd command. The words are
 * read from the real command lines (every command of both), so they cannot drift. Here, beside
 * the command list, so that what needs it (submit, the MCP server) is handed it and imports
 * nothing that imports this file.
 */
export async function ownCommand(word: string): Promise<string | undefined> {
  const words = (program: Command): string[] => program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
  if (words(gflowProgram()).includes(word)) return `gflow ${word}`;
  const { gflowdProgram } = await import('./gflowd.js');
  return words(gflowdProgram()).includes(word) ? `gflowd ${word}` : undefined;
}

/** gflow's command line: every command, or only `only` when that is one of them (help, completion and a mistyped word get every command). */
export function gflowProgram(only?: string): Command {
  const program = new Command('gflow')
    .description('Queue and run jobs on this machine, one tmux session per job.')
    .version(packageVersion(), '-V, --version')
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));

  const one = only === undefined ? undefined : COMMANDS.find(([names]) => names.includes(only));
  for (const [[name, ...aliases], define] of one ? [one] : COMMANDS) define(program.command(name).aliases(aliases));
  if (one) return program;
  addSetupCommands(program);
  addMcpCommand(program, ownCommand);
  addCompletionCommands(program, { jobIds: true });
  return program;
}
