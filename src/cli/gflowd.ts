// `gflowd`: run and manage the scheduler daemon.
import { Command, InvalidArgumentError } from 'commander';
import { daemonMode } from '../config/paths.js';
import { packageVersion } from '../version.js';
import { reportAndExit } from './fail.js';
import { addCompletionCommands } from './commands/completion.js';
import type { DaemonFlags } from './gflowd/daemon-session.js';

function intIn(name: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
    return n;
  };
}

function gpuList(v: string): string {
  if (!/^(all|\d+(,\d+)*)$/.test(v)) throw new InvalidArgumentError('give all, or GPU indices like 0,2.');
  return v;
}

function executorKind(v: string): 'tmux' | 'slurm' {
  if (v !== 'tmux' && v !== 'slurm') throw new InvalidArgumentError('give tmux or slurm.');
  return v;
}

function slurmName(what: string) {
  return (v: string): string => {
    if (!/^[A-Za-z0-9_.,-]{1,128}$/.test(v)) throw new InvalidArgumentError(`give a Slurm ${what} name (letters, digits, _ . -).`);
    return v;
  };
}

const guard =
  <A extends unknown[]>(fn: (...a: A) => Promise<unknown>) =>
  async (...a: A): Promise<void> => {
    try {
      await fn(...a);
    } catch (err) {
      reportAndExit(err);
    }
  };

/** The `gflowd` command line; also read by `gflow submit` to suggest daemon commands. */
export function gflowdProgram(): Command {
  const program = new Command('gflowd')
    .description("The gflow scheduler daemon. It lives in the tmux session gflow_server: yours (personal), or, started by root (sudo gflowd up), the machine's shared daemon for every user.")
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));

  // Every command acts on one mode's daemon: shared (the machine's, root's) or personal.
  const port = (c: Command) =>
    c
      .option('--port <n>', 'port on 127.0.0.1 (default 59000, GFLOW_PORT, config)', intIn('port', 1, 65535))
      .option('--shared', "the machine's daemon, for every user (needs root; the default for root)")
      .option('--personal', 'your own daemon, running jobs as you (the default for other users)');
  // The mode travels in the environment, so the daemon started in tmux runs in it too.
  program.hook('preAction', (_program, action) => {
    const o = action.opts<{ shared?: boolean; personal?: boolean }>();
    if (o.shared && o.personal) {
      process.stderr.write('gflowd: give --shared or --personal, not both\n');
      process.exit(2);
    }
    if (o.shared) process.env.GFLOW_MODE = 'shared';
    else if (o.personal) process.env.GFLOW_MODE = 'personal';
    try {
      daemonMode(); // a bad GFLOW_MODE is a usage error before anything happens
    } catch (err) {
      reportAndExit(err);
    }
  });
  const cpus = (c: Command) =>
    c
      .option('--cpus <n>', 'CPU slots for jobs (default: all CPUs, GFLOW_CPUS, config)', intIn('cpus', 1, 4096))
      .option('--gpus <list>', 'GPUs gflow may use: all, or indices like 0,2 (GFLOW_GPUS, config)', gpuList)
      .option('--executor <kind>', 'where jobs run: tmux (this machine, default) or slurm (hand them to a Slurm cluster; GFLOW_EXECUTOR, config)', executorKind)
      .option('--partition <name>', 'executor slurm: default sbatch --partition (GFLOW_PARTITION, config)', slurmName('partition'))
      .option('--account <name>', 'executor slurm: default sbatch --account (GFLOW_ACCOUNT, config)', slurmName('account'))
      .option('--qos <name>', 'executor slurm: default sbatch --qos (GFLOW_QOS, config)', slurmName('qos'));

  cpus(port(program.command('up').description('start the daemon in tmux session gflow_server (does nothing if it runs)'))).action(
    guard(async (o: DaemonFlags) => (await import('./gflowd/up.js')).up(o)),
  );
  port(program.command('down').description('stop the daemon of this state directory; jobs keep running')).action(
    guard(async (o: { port?: number }) => (await import('./gflowd/down.js')).down(o)),
  );
  cpus(port(program.command('restart').description("down, then up; keeps the daemon's --port, --cpus and --gpus unless new ones are given"))).action(
    guard(async (o: DaemonFlags) => (await import('./gflowd/restart.js')).restart(o)),
  );
  cpus(port(program.command('reload').description("replace the daemon with a fresh one (e.g. after an upgrade) without downtime; keeps its --port, --cpus and --gpus unless new ones are given")))
    .option('--timeout <s>', 'seconds to wait for the new daemon to answer (default 10)', intIn('timeout', 1, 600))
    .option('--json', 'print a summary: old and new pid, timings')
    .action(guard(async (o: DaemonFlags & { json?: boolean; timeout?: number }) => (await import('./gflowd/reload.js')).reload(o)));
  port(program.command('status').description("is this state directory's daemon running: pid, port, version, uptime (or whose daemon holds the session or port)"))
    .option('--json', 'print {running, pid, port, version, session, uptimeSec, stateDir, other}')
    .action(guard(async (o: { port?: number; json?: boolean }) => (await import('./gflowd/status.js')).statusCommand(o)));
  program
    .command('rotate-token')
    .description('replace the API token (personal mode) when it may have leaked; a running daemon takes the new one at once')
    .action(guard(async () => (await import('./gflowd/rotate-token.js')).rotateToken()));
  program
    .command('restore')
    .description("put a backup of the database back (daemon stopped); without FILE: list the backups (daily, and before every schema upgrade)")
    .argument('[file]', 'a backup file, or latest')
    .action(guard(async (file: string | undefined) => (await import('./gflowd/restore.js')).restore(file)));
  port(program.command('doctor').description('check what gflow depends on: tmux, node, tcp_migrate_req, mode, memory limits, GPU locks, token, daemon'))
    .option('--json', 'print the checks as JSON')
    .action(guard(async (o: { port?: number; json?: boolean }) => (await import('./gflowd/doctor.js')).doctor(o)));
  cpus(port(program.command('run').description('run the daemon in the foreground (what the tmux session runs)'))).action(
    guard(async (o: DaemonFlags) => (await import('../daemon/main.js')).runDaemon(o)),
  );
  const service = program
    .command('service')
    .description('run the daemon as a systemd service that starts at boot: install, print or remove its unit (the daemon still lives in tmux session gflow_server)');
  const user = (c: Command) => c.option('--user', "a systemd user unit for your personal daemon (~/.config/systemd/user), instead of the system unit for the machine's shared daemon");
  user(service.command('install'))
    .description('write the unit (root: /etc/systemd/system/gflow.service), enable it and start it; a daemon already running is kept. systemctl start/stop/reload gflow then run gflowd up/down/reload; stopping never stops jobs')
    .action(guard(async (o: { user?: boolean }) => (await import('./gflowd/service.js')).installService(o)));
  user(service.command('print'))
    .description('print the unit install would write, without installing it (works without systemd)')
    .action(guard(async (o: { user?: boolean }) => (await import('./gflowd/service.js')).printUnit(o)));
  user(service.command('remove'))
    .description('stop and disable the service (gflowd down: running jobs keep running) and remove the unit; the state, logs and configuration stay')
    .action(guard(async (o: { user?: boolean }) => (await import('./gflowd/service.js')).removeService(o)));
  addCompletionCommands(program);

  return program;
}

export async function main(argv: string[]): Promise<void> {
  await gflowdProgram().parseAsync(argv);
}
