// `<program> completion bash|zsh|fish`: prints the shell's completion script, made from the
// program's own command definitions (src/cli/completion/). For gflow also the hidden
// `gflow __complete ids <command>`, which the scripts run for job ids at each <TAB>.
import { Argument, type Command } from 'commander';
import { reportAndExit } from '../fail.js';

const SHELLS = ['bash', 'zsh', 'fish'];

export function addCompletionCommands(program: Command, opts: { jobIds?: boolean } = {}): void {
  const name = program.name();
  program
    .command('completion')
    .description(`print the shell completion script: \`source <(${name} completion bash)\`; zsh and fish too (docs/completion.md)`)
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .action(async (shell: 'bash' | 'zsh' | 'fish', _flags: unknown, cmd: Command) => {
      try {
        const { completionScript } = await import('../completion/script.js');
        process.stdout.write(completionScript(shell, cmd.parent ?? program));
      } catch (err) {
        reportAndExit(err);
      }
    });
  if (!opts.jobIds) return;
  program
    .command('__complete', { hidden: true })
    .description('for the completion scripts: `ids <command>` prints the job ids the command can act on')
    .addArgument(new Argument('<what>').choices(['ids']))
    .argument('[command...]')
    .action(async (_what: string, command: string[]) => (await import('../completion/ids.js')).completeIds(command));
}
