// Job arrays and parameter sweeps: Slurm array specs (`1-10`, `0-20:5`, `1-100%4`),
// `name=values` sweeps, a CSV of parameter rows, their expansion into one parameter set
// per task, and `{name}` substitution into the command. Pure: no I/O.
import { GflowError } from '../protocol/errors.js';

export const MAX_TASKS = 100_000;

export interface ArraySpec {
  tasks: number[];
  maxConcurrent?: number;
}

export interface ParamSpecs {
  names: string[];
  values: Record<string, string[]>;
}

export interface ParamCsv {
  names: string[];
  rows: Record<string, string>[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NUMBER = String.raw`[-+]?(?:\d+(?:\.\d*)?|\.\d+)`;
const NUMERIC_RANGE = new RegExp(`^(${NUMBER}):(${NUMBER})(?::(${NUMBER}))?$`);

// ---- array specs ----

// Tasks come back sorted ascending and without duplicates; ranges include both ends.
export function parseArraySpec(text: string): ArraySpec {
  let body = text.trim();
  let maxConcurrent: number | undefined;
  const cap = /^(.*)%([^%]*)$/.exec(body);
  if (cap) {
    body = cap[1]!.trim();
    const n = cap[2]!.trim();
    if (!/^\d+$/.test(n) || !Number.isSafeInteger(Number(n))) throw badArray(text, `'%${n}' is not a whole number`);
    maxConcurrent = Number(n);
    if (maxConcurrent === 0) throw badArray(text, 'the %N limit must be at least 1');
  }
  if (body === '') throw badArray(text, 'no tasks given');

  const tasks = new Set<number>();
  for (const raw of body.split(',')) {
    const part = raw.trim();
    if (part === '') throw badArray(text, 'empty item in the list');
    if (/^-\d/.test(part)) throw badArray(text, `'${part}' is negative`);
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part);
    if (!m) {
      if (/^\d+-\d+:-/.test(part)) throw badArray(text, `step in '${part}' must be at least 1`);
      throw badArray(text, `'${part}' is not a number or range`);
    }
    const start = toInt(m[1]!, text);
    const end = m[2] === undefined ? start : toInt(m[2], text);
    const step = m[3] === undefined ? 1 : toInt(m[3], text);
    if (end < start) throw badArray(text, `range '${part}' ends before it starts`);
    if (step <= 0) throw badArray(text, `step in '${part}' must be at least 1`);
    if (Math.floor((end - start) / step) + 1 > MAX_TASKS) throw tooMany(`array '${text}'`);
    for (let i = start; i <= end; i += step) tasks.add(i);
    if (tasks.size > MAX_TASKS) throw tooMany(`array '${text}'`);
  }
  const sorted = [...tasks].sort((a, b) => a - b);
  return maxConcurrent === undefined ? { tasks: sorted } : { tasks: sorted, maxConcurrent };
}

function toInt(digits: string, text: string): number {
  const n = Number(digits);
  if (!Number.isSafeInteger(n)) throw badArray(text, `'${digits}' is too large`);
  return n;
}

function badArray(text: string, why: string): GflowError {
  return new GflowError('usage', `invalid array spec '${text}': ${why}`, 'use task ids like 1-10, 1,3,7, 0-20:5 or 1-100%4 (at most 4 at once)');
}

function tooMany(what: string): GflowError {
  return new GflowError('usage', `${what} expands to more than ${MAX_TASKS} tasks`, `split the sweep into several submissions of at most ${MAX_TASKS} tasks`);
}

// ---- name=values specs ----

// `name=a,b,c` is a list (items trimmed, kept in the order given); `name=start:stop[:step]`
// with all three parts numeric is an inclusive range. Anything else with a colon (`host=n1:8080`)
// is a one-item list.
export function parseParamSpecs(specs: string[]): ParamSpecs {
  const names: string[] = [];
  const values: Record<string, string[]> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq < 0) throw badParam(spec, "missing '='");
    const name = spec.slice(0, eq).trim();
    const rhs = spec.slice(eq + 1).trim();
    if (!NAME.test(name)) throw badParam(spec, `'${name}' is not a valid name (letters, digits and _, not starting with a digit)`);
    if (Object.hasOwn(values, name)) throw badParam(spec, `'${name}' is given more than once`);
    if (rhs === '') throw badParam(spec, 'no values given');
    const range = NUMERIC_RANGE.exec(rhs);
    let list: string[];
    if (range) {
      list = numericRange(spec, Number(range[1]), Number(range[2]), range[3] === undefined ? 1 : Number(range[3]));
    } else {
      list = rhs.split(',').map((v) => v.trim());
      if (list.some((v) => v === '')) throw badParam(spec, 'empty value in the list');
    }
    names.push(name);
    values[name] = list;
  }
  return { names, values };
}

function numericRange(spec: string, start: number, stop: number, step: number): string[] {
  if (!(step > 0)) throw badParam(spec, 'step must be greater than 0');
  if (stop < start) throw badParam(spec, 'range ends before it starts');
  if ((stop - start) / step >= MAX_TASKS) throw tooMany(`parameter '${spec}'`);
  const last = round12(stop);
  const out: string[] = [];
  // Multiply rather than accumulate, and compare after rounding, so 0:0.3:0.1 reaches 0.3.
  for (let i = 0; ; i++) {
    const v = round12(start + i * step);
    if (v > last) break;
    out.push(String(v));
  }
  return out;
}

// 0.30000000000000004 → 0.3; also turns -0 into 0.
function round12(x: number): number {
  return Number(x.toPrecision(12)) + 0;
}

function badParam(spec: string, why: string): GflowError {
  return new GflowError('usage', `invalid parameter '${spec}': ${why}`, 'use name=v1,v2,... or name=start:stop[:step] (e.g. lr=0.1,0.01 or seed=1:5)');
}

// ---- CSV of parameter rows ----

// The first non-empty line names the parameters; each further non-empty line is one row.
// Fields may be double-quoted (commas and "" inside); unquoted fields are trimmed.
// A quoted field cannot span lines.
export function parseParamCsv(text: string): ParamCsv {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let names: string[] | undefined;
  const rows: Record<string, string>[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const lineNo = i + 1;
    if (line.trim() === '') continue;
    const fields = splitCsvLine(line, lineNo);
    if (names === undefined) {
      const seen = new Set<string>();
      for (const f of fields) {
        if (!NAME.test(f)) throw badCsv(lineNo, `'${f}' is not a valid parameter name`);
        if (seen.has(f)) throw badCsv(lineNo, `'${f}' appears twice in the header`);
        seen.add(f);
      }
      names = fields;
      continue;
    }
    if (fields.length !== names.length) throw badCsv(lineNo, `${fields.length} fields, the header has ${names.length}`);
    if (rows.length >= MAX_TASKS) throw tooMany('the CSV file');
    const row: Record<string, string> = {};
    names.forEach((n, j) => (row[n] = fields[j]!));
    rows.push(row);
  }
  if (names === undefined) throw new GflowError('usage', 'the parameter CSV is empty', 'put parameter names on the first line and one row of values per line after it');
  if (rows.length === 0) throw new GflowError('usage', 'the parameter CSV has a header but no rows', 'add one comma-separated row of values per task after the header');
  return { names, rows };
}

function splitCsvLine(line: string, lineNo: number): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= line.length) throw badCsv(lineNo, 'unterminated quoted field');
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += line[i];
        i++;
      }
      while (line[i] === ' ' || line[i] === '\t') i++;
      if (i < line.length && line[i] !== ',') throw badCsv(lineNo, 'text after a closing quote');
      fields.push(value);
    } else {
      const comma = line.indexOf(',', i);
      const endAt = comma < 0 ? line.length : comma;
      fields.push(line.slice(i, endAt).trim());
      i = endAt;
    }
    if (i >= line.length) return fields;
    i++; // the comma
  }
}

function badCsv(lineNo: number, why: string): GflowError {
  return new GflowError('usage', `invalid parameter CSV, line ${lineNo}: ${why}`, 'use a header line of names, then one comma-separated row per task; quote fields with commas as "a,b"');
}

// ---- expansion ----

// CSV rows are the outer loop, the spec product the inner one; within the product the first
// name varies slowest. Keys come in CSV order, then spec order.
export function expandParams(specs: ParamSpecs, csv?: ParamCsv): Record<string, string>[] {
  if (csv) {
    const clash = specs.names.find((n) => csv.names.includes(n));
    if (clash !== undefined) {
      throw new GflowError('usage', `parameter '${clash}' is given both as name=values and in the CSV`, `drop '${clash}' from one of them`);
    }
  }
  if (specs.names.length === 0 && !csv) return [];
  const lists = specs.names.map((n) => specs.values[n] ?? []);
  const outer: Record<string, string>[] = csv ? csv.rows : [{}];
  const total = lists.reduce((acc, l) => acc * l.length, outer.length);
  if (total > MAX_TASKS) throw tooMany('the parameter sweep');
  if (total === 0) return [];

  const out: Record<string, string>[] = [];
  for (const row of outer) {
    const idx: number[] = lists.map(() => 0);
    for (;;) {
      const combo: Record<string, string> = {};
      for (const n of csv?.names ?? []) combo[n] = row[n] ?? '';
      specs.names.forEach((n, j) => (combo[n] = lists[j]![idx[j]!]!));
      out.push(combo);
      // odometer: the last name turns fastest
      let k = lists.length - 1;
      while (k >= 0 && idx[k]! + 1 >= lists[k]!.length) idx[k--] = 0;
      if (k < 0) break;
      idx[k]!++;
    }
  }
  return out;
}

// ---- substitution ----

// Replaces `{name}` for names in params, in one pass (substituted values are not re-read).
// Everything else — `${HOME}`, `{unknown}`, `{{`, `{ x }` — is left exactly as written.
export function substituteParams(template: string, params: Record<string, string>): string {
  return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? params[name]! : whole,
  );
}
