// Jobs printed through the column table (src/cli/columns.ts) in each output of `gflow queue`:
// a table for people (local times, Slurm durations, colour on a terminal), CSV for
// spreadsheets and shell tools, JSON and YAML for programs (seconds, ISO 8601 times with zone).
import chalk from 'chalk';
import { stringify as csv } from 'csv-stringify/sync';
import { stringify as yaml } from 'yaml';
import type { Job, JobState } from '../protocol/job.js';
import type { ColumnSpec } from './columns-format.js';

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
  const cells = jobs.map((j) => specs.map((s) => s.column.text(j, now).replace(/[\r\n\t]/g, ' ')));
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

/** Rows of the columns' data: objects keyed as in Slurm's JSON. */
export function columnRecords(specs: readonly ColumnSpec[], jobs: readonly Job[], now = Date.now()): Record<string, unknown>[] {
  return jobs.map((j) => Object.fromEntries(specs.map((s) => [s.column.key, s.column.data(j, now)])));
}

export function columnCsv(specs: readonly ColumnSpec[], jobs: readonly Job[], now = Date.now()): string {
  return csv([specs.map((s) => s.column.header), ...jobs.map((j) => specs.map((s) => s.column.data(j, now)))]);
}

/** JSON or YAML of whole jobs (no --format) or of the chosen columns. */
export function structured(output: 'json' | 'yaml', specs: readonly ColumnSpec[] | undefined, jobs: readonly Job[]): string {
  const data = specs ? columnRecords(specs, jobs) : jobs;
  return output === 'json' ? `${JSON.stringify(data, null, 2)}\n` : yaml(data);
}
