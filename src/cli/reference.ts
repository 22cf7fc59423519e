// The command reference in docs/reference/, written from the command definitions themselves
// (`npm run docs`; a test fails when the committed pages differ), so it cannot drift from what
// `--help` says.
import type { Command, Help } from 'commander';

/** A Markdown page of every command of `program`, in the order `--help` lists them. */
export function referencePage(program: Command, intro: string): string {
  const help = program.createHelp();
  const out = [`# ${program.name()} command reference`, '', intro, '', 'Written from the command definitions (`npm run docs`); `--help` on any command says the same.', ''];
  out.push('| command | what it does |', '|---|---|');
  for (const c of commandsOf(program, help)) out.push(`| [\`${c.path}\`](#${anchor(c.path)}) | ${cell(firstLine(c.cmd.description()))} |`);
  out.push('');
  for (const c of commandsOf(program, help)) out.push(...section(c.cmd, c.path, help));
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

interface Entry {
  cmd: Command;
  path: string;
}

function commandsOf(cmd: Command, help: Help, prefix = cmd.name()): Entry[] {
  return help
    .visibleCommands(cmd)
    .filter((c) => c.name() !== 'help')
    .flatMap((c) => {
      const path = `${prefix} ${c.name()}`;
      return [{ cmd: c, path }, ...commandsOf(c, help, path)];
    });
}

function section(cmd: Command, path: string, help: Help): string[] {
  const out = [`## ${path}`, ''];
  const aliases = cmd.aliases();
  out.push('```', help.commandUsage(cmd), '```', '');
  if (aliases.length) out.push(`Also: ${aliases.map((a) => `\`${a}\``).join(', ')}.`, '');
  out.push(cmd.description(), '');
  const args = help.visibleArguments(cmd);
  if (args.length) {
    out.push('| argument | |', '|---|---|');
    for (const a of args) out.push(`| \`${help.argumentTerm(a)}\` | ${cell(help.argumentDescription(a))} |`);
    out.push('');
  }
  const options = help.visibleOptions(cmd).filter((o) => o.long !== '--help');
  if (options.length) {
    out.push('| option | |', '|---|---|');
    for (const o of options) out.push(`| \`${help.optionTerm(o)}\` | ${cell(help.optionDescription(o))} |`);
    out.push('');
  }
  return out;
}

const firstLine = (text: string): string => text.split('\n')[0] ?? '';
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n+/g, ' ');
// GitHub's heading anchors: lower case, spaces to dashes, other punctuation dropped.
const anchor = (heading: string): string => heading.toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-');
