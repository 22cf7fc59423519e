// What a shell can complete, read off a commander program: its commands and aliases, their
// options (which take a value, and what values), their arguments. The scripts for every shell
// are written from this walk, so they cannot drift from the command definitions.
import type { Argument, Command, Option } from 'commander';
import { argumentValues, optionValues, type Values } from './values.js';

export interface OptionSpec {
  /** `-s` and `--states`, as typed */
  flags: string[];
  /** what follows the option: null for a flag without a value */
  value: Values | null;
  description: string;
}

export interface ArgSpec {
  name: string;
  variadic: boolean;
  values: Values | null;
}

export interface CommandSpec {
  name: string;
  aliases: string[];
  description: string;
  /** the command's path from the program, canonical names joined by spaces ('' for the program) */
  path: string;
  options: OptionSpec[];
  args: ArgSpec[];
  commands: CommandSpec[];
}

/** The program and its visible commands (hidden ones, like `__complete`, are left out). */
export function commandSpec(cmd: Command, parentPath: string | null = null): CommandSpec {
  const help = cmd.createHelp();
  const path = parentPath === null ? '' : parentPath === '' ? cmd.name() : `${parentPath} ${cmd.name()}`;
  return {
    name: cmd.name(),
    aliases: cmd.aliases(),
    description: firstLine(cmd.description()),
    path,
    options: help.visibleOptions(cmd).map((o) => optionSpec(o)),
    args: cmd.registeredArguments.map((a) => argSpec(a)),
    commands: help.visibleCommands(cmd).map((c) => (c.name() === 'help' ? helpSpec(c, cmd, path) : commandSpec(c, path))),
  };
}

// `gflow help <command>` (commander's own): its argument is one of the other commands.
function helpSpec(c: Command, parent: Command, parentPath: string): CommandSpec {
  const spec = commandSpec(c, parentPath);
  const names = parent.createHelp().visibleCommands(parent).map((s) => s.name()).filter((n) => n !== 'help');
  return { ...spec, args: spec.args.map((a) => ({ ...a, values: { kind: 'words', words: names } })) };
}

function optionSpec(o: Option): OptionSpec {
  const flags = [o.short, o.long].filter((f): f is string => f !== undefined);
  const takesValue = o.required || o.optional;
  let value: Values | null = null;
  if (takesValue) value = o.argChoices ? { kind: 'words', words: o.argChoices } : (optionValues(o.long ?? o.short ?? '', placeholder(o.flags)) ?? { kind: 'none' });
  return { flags, value, description: firstLine(o.description) };
}

function argSpec(a: Argument): ArgSpec {
  return { name: a.name(), variadic: a.variadic, values: a.argChoices ? { kind: 'words', words: a.argChoices } : (argumentValues(a.name()) ?? null) };
}

// '-s, --states <list>' → '<list>'
function placeholder(flags: string): string {
  return /[<[][^>\]]*[>\]]/.exec(flags)?.[0] ?? '';
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

/** Every command of the tree, the program first. */
export function allCommands(spec: CommandSpec): CommandSpec[] {
  return [spec, ...spec.commands.flatMap((c) => allCommands(c))];
}
