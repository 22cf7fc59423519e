// What `gflow queue --format` and `--sort` accept, read into the column table
// (src/cli/columns.ts). Three spellings, so habits carry over:
//   JOBID,NAME:40,ST,TIME:.10     column names (squeue's headers or -O names), optional width;
//                                 a '.' before the width right-aligns, as squeue -O does
//   "%.18i %.30j %.8u %t %M %R"   squeue -o: % [.][width] letter
// Sort keys as squeue -S: "-t,p,i", "+i", "-TIME,name": a letter or a column name, '-' descending.
import type { Job } from '../protocol/job.js';
import { COLUMNS, columnNamed, columnOfLetter, type Cell, type Column } from './columns.js';
import { usage } from './fail.js';

export interface ColumnSpec {
  column: Column;
  /** a fixed width: the cell is padded or cut to it (as squeue); undefined: as wide as needed */
  width?: number;
  right: boolean;
}

const NAMES_HINT = `columns: ${COLUMNS.map((c) => c.header).join(', ')}`;
const LETTERS_HINT = `squeue letters: ${COLUMNS.filter((c) => c.letter)
  .map((c) => `%${c.letter} ${c.header}`)
  .join(', ')}`;

export function parseFormat(text: string): ColumnSpec[] {
  const specs = text.includes('%') ? percentFormat(text) : namedFormat(text);
  if (specs.length === 0) throw usage(`--format '${text}' names no column`, NAMES_HINT);
  return specs;
}

function percentFormat(text: string): ColumnSpec[] {
  const specs: ColumnSpec[] = [];
  for (const m of text.matchAll(/%(\.)?(\d*)(.?)/g)) {
    const column = columnOfLetter(m[3]!);
    if (!column) throw usage(`unknown squeue field '%${m[1] ?? ''}${m[2]}${m[3]}' in --format`, LETTERS_HINT);
    specs.push({ column, width: width(m[2]!, text), right: m[1] === '.' });
  }
  return specs;
}

function namedFormat(text: string): ColumnSpec[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const m = /^(.+?)(?::(\.)?(\d*))?$/.exec(item)!;
      const column = columnNamed(m[1]!);
      if (!column) throw usage(`unknown column '${m[1]}' in --format`, NAMES_HINT);
      return { column, width: width(m[3] ?? '', text), right: m[2] === '.' };
    });
}

function width(digits: string, text: string): number | undefined {
  if (digits === '') return undefined;
  const n = Number(digits);
  if (n < 1 || n > 1000) throw usage(`invalid width ${digits} in --format '${text}'`, 'give a width from 1 to 1000, e.g. NAME:40 or %.40j');
  return n;
}

/** A comparison of jobs for `--sort`: keys in order, each ascending unless prefixed '-'. */
export function parseSort(text: string): (a: Job, b: Job) => number {
  const keys = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const m = /^([+-]?)(.+)$/.exec(item)!;
      const column = m[2]!.length === 1 ? columnOfLetter(m[2]!) : columnNamed(m[2]!);
      if (!column) throw usage(`unknown sort key '${m[2]}' in --sort`, `use squeue's letters (i id, j name, u user, t state, p priority, M time, l time limit, V submit time, e end time) or ${NAMES_HINT}`);
      return { column, sign: m[1] === '-' ? -1 : 1 };
    });
  if (keys.length === 0) throw usage(`--sort '${text}' names no key`, "e.g. --sort -t,p,i");
  const now = Date.now();
  return (a, b) => {
    for (const { column, sign } of keys) {
      const c = compareCells(column.data(a, now), column.data(b, now));
      if (c !== 0) return c.nulls ? c.order : sign * c.order;
    }
    return a.id - b.id;
  };
}

/** Nulls go last whichever the direction. */
function compareCells(x: Cell, y: Cell): 0 | { order: number; nulls: boolean } {
  if (x === y) return 0;
  if (x === null) return { order: 1, nulls: true };
  if (y === null) return { order: -1, nulls: true };
  const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
  return order === 0 ? 0 : { order, nulls: false };
}
