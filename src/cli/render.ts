// Tables and job details for humans. Colour only on a terminal (chalk honours NO_COLOR and
// FORCE_COLOR); --json output never goes through here.
import { DEFAULT_NOTIFY_EVENTS } from '../core/notify-on.js';
import chalk from 'chalk';
import { localTime } from '../config/local-time.js';
import { kindAt } from '../core/deps.js';
import { formatElapsed } from '../core/duration.js';
import { STATE_CODES, type Job } from '../protocol/job.js';
import { defaultColumns, elapsedSec } from './columns.js';
import { columnTable, stateColor } from './columns-output.js';
import { commandName } from './job-name.js';

/** gflow's default queue table (squeue's columns), names cut only to fit a narrow terminal. */
export function queueTable(jobs: Job[], termWidth = terminalWidth()): string {
  return columnTable(defaultColumns(jobs).map((column) => ({ column, right: false })), jobs, termWidth);
}

/** The terminal's width, 0 when output goes to a file or a pipe (nothing is cut there). */
export function terminalWidth(): number {
  return process.stdout.isTTY ? process.stdout.columns || 80 : 0;
}

export function jobDetails(job: Job): string {
  // A script file is run from the copy taken at submit (`script`); its path is what was given.
  const what = job.command ? job.command.map(quoteArg).join(' ') : job.scriptPath ? `script ${job.scriptPath} (as submitted; copy ${job.script})` : `script ${job.script}`;
  const rows: [string, string | number | null][] = [
    ['Job', `${job.id}${job.name ? ` (${job.name})` : ''}`],
    ['State', `${stateColor(job.state)(job.state)} (${STATE_CODES[job.state]})${job.reason ? ` — ${job.reason}` : ''}`],
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
    ['Elapsed', job.startedAt ? formatElapsed(elapsedSec(job, Date.now())) : null],
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
    ['Mail', job.mailUser ? `${job.mailUser} on ${(job.notifyOn ?? DEFAULT_NOTIFY_EVENTS).join(',')}` : null],
    ['Warning', job.warnSignal ? `${job.warnSignal} ${job.warnBeforeSec} s before the time limit` : null],
    ['Output', job.outputPath],
    ['Error', job.errorPath],
    ['Session', job.session],
    ['PID', job.pid],
    ['Slurm job', job.slurmId],
    ['Node', job.node],
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
    const label = `${j.id} ${j.name ?? commandName(j)} ${stateColor(j.state)(STATE_CODES[j.state])}${j.dependsOn.length > 1 ? ` (waits for ${j.dependsMode} of ${j.dependsOn.join(',')})` : ''}`;
    lines.push(top ? label : `${prefix}${last ? '└─ ' : '├─ '}${label}`);
    const kids = children.get(j.id) ?? [];
    kids.forEach((k, i) => walk(k, top ? '' : `${prefix}${last ? '   ' : '│  '}`, i === kids.length - 1, false));
  };
  for (const r of roots) walk(r, '', true, true);
  return `${lines.join('\n')}\n`;
}
