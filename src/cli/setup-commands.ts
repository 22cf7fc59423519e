// \`gflow\`'s commands that set the machine and the user up rather than act on jobs: quotas,
// reservations, GPUs, notification rules and the config file.
import type { Command } from 'commander';
import { SETTING_KEYS } from '../config/schema.js';
import { run } from './run-action.js';
import { intOption as int } from '../client/submit-options.js';

const SETTING_NAMES = SETTING_KEYS.join(', ');

export function addSetupCommands(program: Command): void {
  const quota = program.command('quota').description('limits per user and per project: running jobs, GPUs in use, waiting jobs (set and remove: root)');
  const quotaTarget = (c: Command): Command =>
    c.option('--user <name>', 'a user').option('--project <name>', 'a project').option('--default', 'every user without a quota of their own');
  quotaTarget(quota.command('set').description('set limits (others of the same quota are kept); N or none'))
    .option('--max-running <n>', 'jobs running at once')
    .option('--max-gpus <n>', 'GPUs held at once by running jobs')
    .option('--max-queued <n>', 'jobs waiting (queued or held); a submission over it is refused')
    .action(run(async () => (await import('./commands/quota.js')).quotaSet));
  quota
    .command('list')
    .description('every quota')
    .option('--json', 'print as JSON')
    .action(run(async () => (await import('./commands/quota.js')).quotaList));
  quotaTarget(quota.command('remove').description('remove a quota')).action(run(async () => (await import('./commands/quota.js')).quotaRemove));

  const reserve = program.command('reserve').description('GPUs kept for one user during a time window (create and cancel: root)');
  reserve
    .command('create')
    .description("reserve GPUs: other users' jobs do not get them during the window")
    .requiredOption('--user <name>', 'who may use the reserved GPUs')
    .option('--gpus <n>', 'any N GPUs: N are held back from other users', int('gpus', 1))
    .option('--gpu-spec <list>', 'these GPUs, e.g. 0,2')
    .requiredOption('--start <time>', 'as --begin: HH:MM, 2026-12-01T08:00, now, now+30m')
    .requiredOption('--duration <time>', 'as --time: MM, HH:MM:SS, D-HH:MM:SS')
    .option('--json', 'print the reservation as JSON')
    .action(run(async () => (await import('./commands/reserve.js')).reserveCreate));
  reserve
    .command('list')
    .description('reservations that have not ended')
    .option('--timeline', 'a timeline per GPU')
    .option('--json', 'print as JSON')
    .action(run(async () => (await import('./commands/reserve.js')).reserveList));
  reserve
    .command('cancel')
    .description('cancel a reservation')
    .argument('<id>', 'reservation id (see gflow reserve list)')
    .action(run(async () => (await import('./commands/reserve.js')).reserveCancel));

  const gpu = program.command('gpu').description('which GPUs gflow may use, and foreign processes to ignore');
  gpu
    .command('allow')
    .description('the GPUs gflow may use: writes `gpus` to the config file and applies it to the running daemon at once')
    .argument('<gpus>', 'all, or indices like 0,2')
    .action(run(async () => (await import('./commands/info.js')).gpuAllowCommand));
  gpu
    .command('ignore')
    .description('treat a process gflow did not start as absent from a GPU')
    .argument('<index>', 'GPU index')
    .argument('<pid>', 'process id (see gflow info)')
    .action(run(async () => (await import('./commands/info.js')).gpuIgnoreCommand(true)));
  gpu
    .command('unignore')
    .argument('<index>', 'GPU index')
    .argument('<pid>', 'process id')
    .action(run(async () => (await import('./commands/info.js')).gpuIgnoreCommand(false)));

  const notify = program.command('notify').description('standing notification rules: a webhook, a command or an e-mail when your jobs start or end (kept by the daemon)');
  const collectHeader = (value: string, previous: string[] = []): string[] => [...previous, value];
  notify
    .command('add')
    .description('add a rule: webhook URL (POST JSON), command CMD (the event as JSON on stdin, run as you) or email ADDR')
    .argument('<kind>', 'webhook, command or email')
    .argument('<target>', 'the URL, the shell command (quote it) or the address')
    .option('--events <list>', 'start, end (exit 0), fail, timeout, cancel, or all (default: end,fail,timeout,cancel)')
    .option('--header <name:value>', 'a webhook header, e.g. "Authorization: Bearer X" (repeatable; values are never shown)', collectHeader)
    .option('--all-users', "root: every user's jobs (otherwise a rule sees its owner's jobs only)")
    .option('--json', 'print the rule as JSON')
    .action(run(async () => (await import('./commands/notify.js')).notifyAdd));
  notify
    .command('remove')
    .alias('rm')
    .description('remove a rule (and what it still had to send)')
    .argument('<id>', 'the rule id (gflow notify list)')
    .action(run(async () => (await import('./commands/notify.js')).notifyRemove));
  notify
    .command('list')
    .alias('ls')
    .description('your rules, and deliveries pending (with their next try) or failed (with the error)')
    .option('--json', 'print as JSON')
    .action(run(async () => (await import('./commands/notify.js')).notifyList));
  notify
    .command('test')
    .description('send a test notification now through one rule (default: all of yours) and say how it went')
    .argument('[id]', 'the rule id')
    .option('--no-wait', 'queue the test and return without waiting for the answer')
    .action(run(async () => (await import('./commands/notify.js')).notifyTest));

  const config = program.command('config').description('read and change settings (~/.config/gflow/config.json)');
  config
    .command('get')
    .argument('<key>', SETTING_NAMES)
    .action(run(async () => (await import('./commands/config.js')).configGet));
  config
    .command('set')
    .argument('<key>', SETTING_NAMES)
    .argument('<value>', 'the new value')
    .action(run(async () => (await import('./commands/config.js')).configSet));
  config
    .command('list')
    .description('every setting, its value and where it comes from (env, config file, default), and what a running daemon uses where it differs')
    .action(run(async () => (await import('./commands/config.js')).configList));
  config
    .command('path')
    .description('the config file')
    .action(run(async () => (await import('./commands/config.js')).configPath));
}
