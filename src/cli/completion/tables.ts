// The command tree as lookup tables the completion scripts consult: which word is a subcommand,
// which options a command has and what their values are, what its arguments are. Written once
// as `case` functions that bash and zsh both run, and once as fish `switch` functions.
import { allCommands, type ArgSpec, type CommandSpec } from './spec.js';
import type { Values } from './values.js';

/**
 * A value kind in one word, as the scripts read it: `w:<words>` these words, `W:<words>` a
 * comma list of them, `i` / `I` a job id / a comma list of ids, `f` a file, `d` a directory,
 * `c` a command, `u` a user, `-` a value with nothing to offer. An argument's code starts
 * with `*` when it takes every remaining word.
 */
export function valueCode(v: Values): string {
  switch (v.kind) {
    case 'words':
      return `${v.list ? 'W' : 'w'}:${v.words.join(' ')}`;
    case 'ids':
      return v.list ? 'I' : 'i';
    case 'files':
      return 'f';
    case 'dirs':
      return 'd';
    case 'commands':
      return 'c';
    case 'users':
      return 'u';
    case 'none':
      return '-';
  }
}

function argsCode(args: ArgSpec[]): string {
  return args.map((a) => `${a.variadic ? '*' : ''}${a.values ? valueCode(a.values) : '-'}`).join('|');
}

/** A table's rows: the keys a row answers to, and what it answers. */
export interface Row {
  keys: string[];
  answer: string[];
}

export interface Tables {
  /** `path/word` → the canonical subcommand name */
  sub: Row[];
  /** `path` → `word<TAB>description` per subcommand and alias */
  subs: Row[];
  /** `path` → `flag<TAB>description` per option */
  opts: Row[];
  /** `path/flag` → the value code of an option that takes a value */
  optval: Row[];
  /** `path` → the argument codes joined by `|` */
  args: Row[];
}

export function tables(spec: CommandSpec): Tables {
  const t: Tables = { sub: [], subs: [], opts: [], optval: [], args: [] };
  for (const c of allCommands(spec)) {
    for (const s of c.commands) t.sub.push({ keys: [s.name, ...s.aliases].map((w) => `${c.path}/${w}`), answer: [s.name] });
    if (c.commands.length) t.subs.push({ keys: [c.path], answer: c.commands.flatMap((s) => [`${s.name}\t${s.description}`, ...s.aliases.map((a) => `${a}\t${s.description} (= ${s.name})`)]) });
    t.opts.push({ keys: [c.path], answer: c.options.flatMap((o) => o.flags.map((f) => `${f}\t${o.description}`)) });
    for (const o of c.options) if (o.value) t.optval.push({ keys: o.flags.map((f) => `${c.path}/${f}`), answer: [valueCode(o.value)] });
    if (c.args.length) t.args.push({ keys: [c.path], answer: [argsCode(c.args)] });
  }
  return t;
}

const sq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** One table as a bash/zsh function: `name KEY…` prints the answer's lines, or fails. */
export function shFunction(name: string, rows: Row[], key: string): string {
  const arms = rows.map((r) => `    ${r.keys.map(sq).join('|')}) printf '%s\\n' ${r.answer.map(sq).join(' ')} ;;`);
  return [`${name}() {`, `  case ${key} in`, ...arms, '    *) return 1 ;;', '  esac', '}'].join('\n');
}

export function shTables(prefix: string, t: Tables): string {
  return [
    shFunction(`${prefix}_sub`, t.sub, '"$1/$2"'),
    shFunction(`${prefix}_subs`, t.subs, '"$1"'),
    shFunction(`${prefix}_opts`, t.opts, '"$1"'),
    shFunction(`${prefix}_optval`, t.optval, '"$1/$2"'),
    shFunction(`${prefix}_args`, t.args, '"$1"'),
  ].join('\n\n');
}

// Fish quotes: \ and ' are escaped inside single quotes. Its `case` patterns are globs even
// when quoted: command names and flags have no * or ?.
const fq = (s: string): string => `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;

export function fishFunction(name: string, rows: Row[], key: string): string {
  const arms = rows.flatMap((r) => [`        case ${r.keys.map(fq).join(' ')}`, `            printf '%s\\n' ${r.answer.map(fq).join(' ')}`]);
  return [`function ${name}`, `    switch ${key}`, ...arms, `        case '*'`, '            return 1', '    end', 'end'].join('\n');
}

export function fishTables(prefix: string, t: Tables): string {
  return [
    fishFunction(`${prefix}_sub`, t.sub, '"$argv[1]/$argv[2]"'),
    fishFunction(`${prefix}_subs`, t.subs, '"$argv[1]"'),
    fishFunction(`${prefix}_opts`, t.opts, '"$argv[1]"'),
    fishFunction(`${prefix}_optval`, t.optval, '"$argv[1]/$argv[2]"'),
    fishFunction(`${prefix}_args`, t.args, '"$argv[1]"'),
  ].join('\n\n');
}
