// `gflow stats`: what ended jobs did over a period (as Slurm's sacct/sreport summaries):
// counts by end state, success rate, wait and run time, GPU- and CPU-hours, per user and per
// project, the longest jobs, and on a terminal a line of jobs ended per hour.
import { stringify } from 'csv-stringify/sync';
import { localTime } from '../../config/local-time.js';
import { formatElapsed } from '../../core/duration.js';
import type { Spread, StatsGroup, StatsResponse } from '../../protocol/stats.js';
import { Client } from '../../client/client.js';
import { statsPath } from '../../client/queries.js';
import { usage } from '../fail.js';
import { commandName } from '../job-name.js';
import { sparkline } from '../sparkline.js';
import { table } from '../table.js';

interface StatsFlags {
  since?: string;
  user?: string;
  allUsers?: boolean;
  project?: string;
  json?: boolean;
  csv?: boolean;
}

export async function statsCommand(flags: StatsFlags): Promise<void> {
  if (flags.json && flags.csv) throw usage('give --json or --csv, not both');
  const s = await new Client().request<StatsResponse>('GET', statsPath(flags));
  if (flags.json) process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
  else if (flags.csv) process.stdout.write(statsCsv(s));
  else process.stdout.write(statsText(s, process.stdout.isTTY ? process.stdout.columns || 80 : 0));
}

const STATES = [
  ['finished', 'CD', 'completed'],
  ['failed', 'F', 'failed'],
  ['cancelled', 'CA', 'cancelled'],
  ['timeout', 'TO', 'timed out'],
] as const;

const pct = (r: number | null): string => (r === null ? '-' : `${(r * 100).toFixed(1)}%`);
const dur = (sec: number | null): string => (sec === null ? '-' : formatElapsed(sec));
const hours = (h: number): string => h.toFixed(1);
const spread = (s: Spread): string => `median ${dur(s.median)}, p90 ${dur(s.p90)}`;

/** One CSV table: the total, then each user, then each project. Durations in seconds. */
export function statsCsv(s: StatsResponse): string {
  const header = ['scope', 'name', 'jobs', ...STATES.map(([st]) => st), 'success_rate', 'wait_median_sec', 'wait_p90_sec', 'run_median_sec', 'run_p90_sec', 'gpu_hours', 'cpu_hours', 'since', 'until'];
  const row = (scope: string, g: StatsGroup): (string | number | null)[] => [scope, g.key, g.jobs, ...STATES.map(([st]) => g.byState[st] ?? 0), g.successRate, g.waitSec.median, g.waitSec.p90, g.runSec.median, g.runSec.p90, g.gpuHours, g.cpuHours, s.since, s.until];
  return stringify([header, row('total', s.total), ...s.users.map((g) => row('user', g)), ...s.projects.map((g) => row('project', g))]);
}

/** For people: local times; `width` > 0 on a terminal adds the hourly line. */
export function statsText(s: StatsResponse, width: number): string {
  const who = [s.user ? `user ${s.user}` : 'all users', s.project ? `project ${s.project}` : ''].filter(Boolean).join(', ');
  const out = [`Jobs ended ${s.since ? `since ${localTime(s.since)}` : 'ever'} (${who}), as of ${localTime(s.until)}`];
  const t = s.total;
  if (t.jobs === 0) return `${out[0]}\nno jobs ended in this period\n`;
  out.push(`  ${t.jobs} jobs: ${STATES.map(([st, code, word]) => `${t.byState[st] ?? 0} ${word} (${code})`).join(', ')}`);
  out.push(`  success rate ${pct(t.successRate)} (completed among completed, failed and timed out)`);
  out.push(`  wait ${spread(t.waitSec)}`);
  out.push(`  run  ${spread(t.runSec)}`);
  out.push(`  ${hours(t.gpuHours)} GPU-hours, ${hours(t.cpuHours)} CPU-hours`);
  if (width > 0) {
    const label = 'ended per hour ';
    const { line, perCell, max } = sparkline(s.ended.counts, Math.max(10, width - label.length - 4));
    const span = perCell * s.ended.bucketHours;
    out.push('', `${label}│${line}│`, `${' '.repeat(label.length)}${localTime(s.ended.start)} → now; one mark = ${span} h, tallest = ${max} jobs`);
  }
  const groupTable = (name: string, groups: StatsGroup[]): string =>
    table(
      [name, 'JOBS', ...STATES.map(([, code]) => code), 'SUCCESS', 'WAIT(MED)', 'WAIT(P90)', 'RUN(MED)', 'RUN(P90)', 'GPU-H', 'CPU-H'],
      groups.map((g) => [g.key || '(none)', String(g.jobs), ...STATES.map(([st]) => String(g.byState[st] ?? 0)), pct(g.successRate), dur(g.waitSec.median), dur(g.waitSec.p90), dur(g.runSec.median), dur(g.runSec.p90), hours(g.gpuHours), hours(g.cpuHours)]),
      [false, ...Array<boolean>(11).fill(true)],
    );
  out.push('', 'By user', groupTable('USER', s.users).trimEnd());
  if (s.projects.some((p) => p.key !== '')) out.push('', 'By project', groupTable('PROJECT', s.projects).trimEnd());
  if (s.longest.length) {
    out.push('', 'Longest jobs');
    out.push(table(['JOBID', 'NAME', 'USER', 'ST', 'RUN', 'GPUS', 'ENDED'], s.longest.map(({ job, runSec }) => [String(job.id), job.name ?? commandName(job), job.user, STATES.find(([st]) => st === job.state)?.[1] ?? job.state, dur(runSec), String(job.gpus), job.finishedAt ? localTime(job.finishedAt) : '']), [false, false, false, false, true, true]).trimEnd());
  }
  return `${out.join('\n')}\n`;
}
