// Tables and job details for humans. Colour only on a terminal (chalk honours NO_COLOR and
// FORCE_COLOR); --json output never goes through here.
import chalk from 'chalk';
import { localTime } from '../config/local-time.js';
import { kindAt } from '../core/deps.js';
import { formatElapsed } from '../core/duration.js';
import { STATE_CODES, type Job, type JobState } from '../protocol/job.js';
import { commandName } from './job-name.js';

const STATE_COLOR: Record<JobState, (s: string) => string> = {
  queued: chalk.yellow,
  hold: chalk.magenta,
  running: chalk.green,
  finished: chalk.blue,
  failed: chalk.red,
  cancelled: chalk.gray,
  timeout: chalk.red,
};

export function elapsedSec(job: Job, now = Date.now()): number {
  if (!job.startedAt) return 0;
  const end = job.finishedAt ? Date.parse(job.finishedAt) : now;
  return (end - Date.parse(job.startedAt)) / 1000;
}

function nodelist(job: Job): string {
  if (job.state === 'running') {
    const where = job.gpuIds?.length ? `gpu:${job.gpuIds.join(',')}` : job.session ?? '';
    return job.reason ? `${where} (${job.reason})` : where;
  }
  if (job.reason) return `(${job.reason})`;
  return job.state === 'queued' ? '(Priority)' : '';
}

// Slurm's squeue columns (JOBID NAME USER ST TIME NODES NODELIST), with PROJECT after USER
// when any listed job has one.
export function queueTable(jobs: Job[]): string {
  const projects = jobs.some((j) => j.project);
  const header = ['JOBID', 'NAME', 'USER', ...(projects ? ['PROJECT'] : []), 'ST', 'TIME', 'NODES', 'NODELIST(REASON)'];
  const rows = jobs.map((j) => [String(j.id), j.name ?? commandName(j), j.user, ...(projects ? [j.project ?? ''] : []), STATE_CODES[j.state], formatElapsed(elapsedSec(j)), String(j.gpus), nodelist(j)]);
  const stAt = header.indexOf('ST');
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  widths[1] = Math.min(widths[1]!, 30);
  widths[2] = Math.min(widths[2]!, 16);
  const fmt = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.slice(0, widths[i]).padEnd(widths[i]!))).join('  ');
  const lines = [chalk.bold(fmt(header))];
  jobs.forEach((j, k) => {
    const cells = rows[k]!;
    const line = fmt(cells);
    const st = STATE_CODES[j.state];
    // Colour the state code in place; padding was computed on plain text.
    const at = widths.slice(0, stAt).reduce((n, w) => n + w + 2, 0);
    lines.push(line.slice(0, at) + STATE_COLOR[j.state](st) + line.slice(at + st.length));
  });
  return `${lines.join('\n')}\n`;
}

export function jobDetails(job: Job): string {
  // A script file is run from the copy taken at submit (`script`); its path is what was given.
  const what = job.command ? job.command.map(quoteArg).join(' ') : job.scriptPath ? `script ${job.scriptPath} (as submitted; copy ${job.script})` : `script ${job.script}`;
  const rows: [string, string | number | null][] = [
    ['Job', `${job.id}${job.name ? ` (${job.name})` : ''}`],
    ['State', `${STATE_COLOR[job.state](job.state)} (${STATE_CODES[job.state]})${job.reason ? ` — ${job.reason}` : ''}`],
    ['Command', what],
    ['Directory', job.cwd],
    ['User', job.user],
    ['Project', job.project],
    ['Priority', job.priority],
    ['CPUs', job.cpus],
    ['Memory', job.memMb === null || job.memMb === undefined ? null : `${job.memMb} MiB`],
    ['Time limit', job.timeLimitSec === null ? 'none' : formatElapsed(job.timeLimitSec)],
    ['Submitted', localTime(job.submittedAt)],
    ['Started', job.startedAt && localTime(job.startedAt)],
    ['Finished', job.finishedAt && localTime(job.finishedAt)],
    ['Elapsed', job.startedAt ? formatElapsed(elapsedSec(job)) : null],
    ['Exit code', job.exitCode],
    ['Signal', job.signal],
    ['Ended by', job.endedBy],
    ['GPUs', job.gpus ? `${job.gpus}${job.gpuShared ? ` shared, ${job.gpuMemoryMb} MiB` : ''}${job.gpuIds ? ` → ${job.gpuIds.join(',')}` : ''}` : null],
    ['Depends on', job.dependsOn.length ? `${job.dependsOn.map((d, i) => `${kindAt(job.dependsKinds, i)}:${d}`).join(', ')} (${job.dependsMode}${job.autoCancel ? '' : ', no auto-cancel'})` : null],
    ['Singleton', job.singleton ? `one job named '${job.name ?? ''}' of ${job.user} at a time` : null],
    ['Array task', job.arrayTaskId],
    ['Parameters', job.params ? Object.entries(job.params).map(([k, v]) => `${k}=${v}`).join(' ') : null],
    ['Group', job.groupId ? `${job.groupId}${job.maxConcurrent ? ` (at most ${job.maxConcurrent} at once)` : ''}` : null],
    ['Retries', job.maxRetries ? `attempt ${job.attempt} of ${job.maxRetries}${job.retryOnTimeout ? ', timeouts too' : ''}` : null],
    ['Requeue', job.requeue ? `on failure or timeout, same id (${job.attempt} of ${job.maxRetries} used)` : null],
    ['Attempts', job.attempts.length ? job.attempts.map((a, i) => `\n  ${i + 1}. ${a.state}${a.exitCode !== null ? ` (exit ${a.exitCode}${a.signal ? `, ${a.signal}` : ''})` : a.reason ? ` (${a.reason})` : ''}${a.startedAt ? `, ${localTime(a.startedAt)}` : ''}${a.finishedAt ? ` → ${localTime(a.finishedAt)}` : ''}${a.log ? `, log ${a.log}` : ''}`).join('') : null],
    ['Retry of', job.retriedFrom],
    ['Redo of', job.redoneFrom],
    ['Begin', job.beginAt && localTime(job.beginAt)],
    ['Conda env', job.condaEnv],
    ['Warning', job.warnSignal ? `${job.warnSignal} ${job.warnBeforeSec} s before the time limit` : null],
    ['Output', job.outputPath],
    ['Error', job.errorPath],
    ['Session', job.session],
    ['PID', job.pid],
    ['Log', job.logPath],
  ];
  return `${rows
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${chalk.bold(`${k}:`.padEnd(12))}${String(v)}`)
    .join('\n')}\n`;
}

function quoteArg(a: string): string {
  return /^[A-Za-z0-9_\-./=:,@%+]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

/** Jobs as a forest: each job under the job(s) it waits for (shown once, under its first). */
export function dependencyTree(jobs: Job[]): string {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const children = new Map<number, Job[]>();
  const roots: Job[] = [];
  for (const j of jobs) {
    const parent = j.dependsOn.find((d) => byId.has(d));
    if (parent === undefined) roots.push(j);
    else children.set(parent, [...(children.get(parent) ?? []), j]);
  }
  const lines: string[] = [];
  const walk = (j: Job, prefix: string, last: boolean, top: boolean): void => {
    const label = `${j.id} ${j.name ?? commandName(j)} ${STATE_COLOR[j.state](STATE_CODES[j.state])}${j.dependsOn.length > 1 ? ` (waits for ${j.dependsMode} of ${j.dependsOn.join(',')})` : ''}`;
    lines.push(top ? label : `${prefix}${last ? '└─ ' : '├─ '}${label}`);
    const kids = children.get(j.id) ?? [];
    kids.forEach((k, i) => walk(k, top ? '' : `${prefix}${last ? '   ' : '│  '}`, i === kids.length - 1, false));
  };
  for (const r of roots) walk(r, '', true, true);
  return `${lines.join('\n')}\n`;
}
