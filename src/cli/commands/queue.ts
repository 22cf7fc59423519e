// `gflow queue`: jobs as squeue shows them, or in the columns and output a script asks for.
import { parseSince } from '../../core/since.js';
import { ROUTES, type JobsResponse } from '../../protocol/api.js';
import { ACTIVE_STATES, type Job } from '../../protocol/job.js';
import { Client } from '../../client/client.js';
import { jobsQuery } from '../../client/queries.js';
import { defaultColumns } from '../columns.js';
import { parseFormat, parseSort, type ColumnSpec } from '../columns-format.js';
import { columnTable, OUTPUTS, type Output } from '../columns-output.js';
import { usage } from '../fail.js';
import { dependencyTree, terminalWidth } from '../render.js';

interface QueueFlags {
  all?: boolean;
  states?: string;
  jobs?: string;
  limit?: number;
  watch?: boolean;
  json?: boolean;
  tree?: boolean;
  user?: string;
  me?: boolean;
  allUsers?: boolean;
  format?: string;
  output?: string;
  sort?: string;
  since?: string;
  names?: string;
  project?: string;
}

export async function queueCommand(flags: QueueFlags): Promise<void> {
  const view = viewOf(flags);
  // The daemon filters by state, id and user; names, project and --since are applied here,
  // so the limit is too when any of them is given. --since shows what ended since then, as -a does.
  const filtered = view.since !== undefined || view.names !== undefined || flags.project !== undefined;
  const q = jobsQuery({ ...flags, all: flags.all || view.since !== undefined, limit: filtered ? undefined : flags.limit });
  const client = new Client();
  const path = `${ROUTES.jobs}${q.size ? `?${q}` : ''}`;
  const changes = flags.watch ? new (await import('../change-watch.js')).ChangeWatch(client) : null;
  do {
    let { jobs } = await client.request<JobsResponse>('GET', path);
    if (filtered) {
      jobs = jobs.filter((j) => keep(j, view, flags.project));
      if (flags.limit !== undefined) jobs = jobs.slice(-flags.limit);
    }
    if (view.sort) jobs = [...jobs].sort(view.sort);
    const text = await render(view, jobs);
    process.stdout.write(changes ? `\x1b[H\x1b[2J${new Date().toLocaleTimeString()}  gflow queue (Ctrl-C to stop)\n\n${text}` : text);
    await changes?.next();
  } while (changes);
}

interface View {
  output: Output;
  specs?: ColumnSpec[];
  sort?: (a: Job, b: Job) => number;
  since?: number;
  names?: RegExp[];
  tree: boolean;
}

/** Every flag checked before anything is asked of the daemon. */
function viewOf(flags: QueueFlags): View {
  let format = flags.format;
  let output: string = flags.output ?? 'table';
  // squeue's -o is a format string; people will type it here out of habit.
  if (output.includes('%')) {
    if (format !== undefined) throw usage('give the columns once: --format, or an squeue format string in -o');
    format = output;
    output = 'table';
  }
  if (!(OUTPUTS as readonly string[]).includes(output)) throw usage(`unknown output '${output}'`, `use -o ${OUTPUTS.join(', -o ')} (or --format for columns)`);
  if (flags.json) {
    if (flags.output !== undefined && output !== 'json') throw usage('--json and -o differ', 'give one of them');
    output = 'json';
  }
  if (flags.watch && output !== 'table') throw usage(`--watch shows a table; it does not go with -o ${output}`);
  if (flags.tree && (output !== 'table' || format !== undefined)) throw usage('--tree is a table of its own; it does not go with -o or --format');
  return {
    output: output as Output,
    specs: format === undefined ? undefined : parseFormat(format),
    sort: flags.sort === undefined ? undefined : parseSort(flags.sort),
    since: flags.since === undefined ? undefined : parseSince(flags.since, new Date()),
    names: flags.names === undefined ? undefined : namePatterns(flags.names),
    tree: !!flags.tree,
  };
}

/** -N a,b*,c: exact names, `*` for any run of characters. */
function namePatterns(text: string): RegExp[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw usage('-N needs names, e.g. -N train,eval-*');
  return names.map((n) => new RegExp(`^${n.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`));
}

function keep(j: Job, view: View, project: string | undefined): boolean {
  if (project !== undefined && (j.project ?? '') !== project) return false;
  if (view.names && !view.names.some((re) => re.test(j.name ?? ''))) return false;
  if (view.since !== undefined && !ACTIVE_STATES.includes(j.state) && (j.finishedAt === null || Date.parse(j.finishedAt) < view.since)) return false;
  return true;
}

async function render(view: View, jobs: Job[]): Promise<string> {
  if (view.output === 'json' || view.output === 'yaml') return (await import('../columns-export.js')).structured(view.output, view.specs, jobs);
  const specs = view.specs ?? defaultColumns(jobs).map((column) => ({ column, right: false }));
  if (view.output === 'csv') return (await import('../columns-export.js')).columnCsv(specs, jobs);
  if (view.tree) return dependencyTree(jobs);
  return columnTable(specs, jobs, terminalWidth());
}
