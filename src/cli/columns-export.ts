// The outputs of `gflow queue` for programs: CSV for spreadsheets and shell tools, JSON and
// YAML (seconds, ISO 8601 times with zone). Loaded only when one is asked for.
import { stringify as csv } from 'csv-stringify/sync';
import { stringify as yaml } from 'yaml';
import type { Job } from '../protocol/job.js';
import type { ColumnSpec } from './columns-format.js';

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
