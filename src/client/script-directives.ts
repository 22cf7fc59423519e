// `# GFLOW --flag=value` lines at the top of a script (after the #! line, among the leading
// comments and blank lines) set submit flags; flags on the command line win.
import { Command, InvalidArgumentError } from 'commander';
import { usage } from '../protocol/errors.js';
import { addSubmitOptions, type SubmitFlags } from './submit-options.js';

export function parseDirectives(text: string, where: string): { flags: SubmitFlags; given: Set<string>; tokens: string[] } {
  const tokens: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (i === 0 && line.startsWith('#!')) continue;
    if (line === '') continue;
    if (!line.startsWith('#')) break;
    const m = /^#\s*GFLOW\s+(.*)$/.exec(line);
    if (m) tokens.push(...m[1]!.trim().split(/\s+/));
  }
  try {
    return { ...parseDirectiveTokens(tokens, `${where} (# GFLOW directives)`), tokens };
  } catch (err) {
    throw usage((err as Error).message, 'directives take the same flags as gflow submit, e.g. # GFLOW --gpus=1 --time=2:00:00');
  }
}

/** Parses directive tokens (`--gpus=1 --name x`) with the same definitions as the CLI. */
function parseDirectiveTokens(tokens: string[], where: string): { flags: SubmitFlags; given: Set<string> } {
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
