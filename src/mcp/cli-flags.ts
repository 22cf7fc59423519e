// A tool's options are the CLI command's options: their names (camelCase, as commander names
// them), descriptions and, above all, their checks. Values a tool receives are turned back
// into `--flag=value` words and parsed by the command's own definitions, so a value the CLI
// refuses is refused here with the same message.
import { Command, type Option } from 'commander';
import { z } from 'zod';
import { GflowError } from '../protocol/errors.js';

/** Options that may be given more than once on the command line (commander collects them). */
const REPEATABLE = new Set(['param']);

const takesValue = (o: Option): boolean => o.required || o.optional;

function visibleOptions(cmd: Command, leaveOut: readonly string[]): Option[] {
  return cmd.options.filter((o) => !o.hidden && !leaveOut.includes(o.attributeName()));
}

/** The input schema's fields for a command's options (a zod raw shape). */
export function optionShape(cmd: Command, leaveOut: readonly string[] = []): Record<string, z.ZodType> {
  const shape: Record<string, z.ZodType> = {};
  for (const o of visibleOptions(cmd, leaveOut)) {
    const about = `${o.description} (\`${cmd.name()} ${o.flags}\`)`;
    const key = o.attributeName();
    if (o.negate) shape[key] = z.boolean().optional().describe(`false: ${about}`);
    else if (!takesValue(o)) shape[key] = z.boolean().optional().describe(about);
    else if (REPEATABLE.has(key)) shape[key] = z.array(z.string()).optional().describe(`${about}; a list, one item per use of the flag`);
    else shape[key] = z.union([z.string(), z.number()]).optional().describe(about);
  }
  return shape;
}

/**
 * Parses the tool's option values with the command's definitions; returns the command, whose
 * opts() and getOptionValueSource() are then as after a command line with these flags.
 */
export function parseOptionValues(cmd: Command, values: Record<string, unknown>, leaveOut: readonly string[] = []): Command {
  const words: string[] = [];
  for (const o of visibleOptions(cmd, leaveOut)) {
    const v = values[o.attributeName()];
    const flag = o.long ?? o.short!;
    if (v === undefined || v === null) continue;
    if (!takesValue(o)) {
      if (v === (o.negate ? false : true)) words.push(flag);
      continue;
    }
    for (const item of Array.isArray(v) ? v : [v]) words.push(`${flag}=${String(item)}`);
  }
  cmd.exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  const { unknown } = cmd.parseOptions(words);
  if (unknown.length) throw new GflowError('usage', `unknown option ${unknown[0]}`);
  return cmd;
}
