// Jobs printed through the column table (src/cli/columns.ts) as a table for people (local
// times, Slurm durations, colour on a terminal); CSV, JSON and YAML are in columns-export.ts,
// loaded only when asked for (the YAML writer alone is a quarter of the CLI's code).
import chalk from 'chalk';
import type { Job, JobState } from '../protocol/job.js';
import type { ColumnSpec } from './columns-format.js';
import { escapeControl } from '../core/control-chars.js';

export const OUTPUTS = ['table', 'json', 'csv', 'yaml'] as const;
export type Output = (typeof OUTPUTS)[number];

const STATE_COLOR: Record<JobState, (s: string) => string> = {
  queued: chalk.yellow,
  hold: chalk.magenta,
  running: chalk.green,
  finished: chalk.blue,
  failed: chalk.red,
  cancelled: chalk.gray,
  timeout: chalk.red,
};

export function stateColor(state: JobState): (s: string) => string {
  return STATE_COLOR[state];
}

/** The narrowest NAME gets before it is cut to fit a terminal. */
const MIN_NAME = 12;
const GAP = '  ';

/**
 * A table: each column as wide as its widest cell unless the format fixed a width. On a
 * terminal of `termWidth` columns (0: not a terminal) that is too narrow, NAME is cut first.
 */
export function columnTable(specs: readonly ColumnSpec[], jobs: readonly Job[], termWidth: number, now = Date.now()): string {
  // Other users' names and commands reach this terminal: their control characters as escapes.
  const cells = jobs.map((j) => specs.map((s) => escapeControl(s.column.text(j, now).replace(/[\r\n\t]/g, ' '))));
  const widths = specs.map((s, i) => s.width ?? Math.max(s.column.header.length, ...cells.map((r) => r[i]!.length)));
  if (termWidth > 0) {
    const total = widths.reduce((a, b) => a + b, 0) + GAP.length * (widths.length - 1);
    const name = specs.findIndex((s) => s.column.header === 'NAME' && s.width === undefined);
    if (total > termWidth && name >= 0) widths[name] = Math.max(MIN_NAME, widths[name]! - (total - termWidth));
  }
  const line = (row: string[], paint?: (i: number, s: string) => string): string =>
    row
      .map((c, i) => {
        const w = widths[i]!;
        const cut = c.length > w ? c.slice(0, w) : c;
        const last = i === row.length - 1;
        const padded = specs[i]!.right ? cut.padStart(w) : last ? cut : cut.padEnd(w);
        return paint ? paint(i, padded) : padded;
      })
      .join(GAP)
      .trimEnd();
  const state = (j: Job) => (i: number, s: string): string => (['ST', 'STATE'].includes(specs[i]!.column.header) ? stateColor(j.state)(s) : s);
  return `${[chalk.bold(line(specs.map((s) => s.column.header))), ...cells.map((r, k) => line(r, state(jobs[k]!)))].join('\n')}\n`;
}
