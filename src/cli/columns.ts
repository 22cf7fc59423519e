// The columns of `gflow queue`, written once and used by every output: the table (header,
// text), CSV (header, data) and JSON/YAML (key, data). Names and letters are Slurm's squeue
// ones (`--Format` names, `-o` % letters), so people can keep their habits and scripts.
import { localTime } from '../config/local-time.js';
import { kindAt } from '../core/deps.js';
import { formatElapsed } from '../core/duration.js';
import { STATE_CODES, type Job } from '../protocol/job.js';
import { commandName } from './job-name.js';

export type Cell = string | number | null;

export interface Column {
  /** the table and CSV header, as squeue prints it */
  header: string;
  /** the key in JSON and YAML (snake_case, as Slurm's JSON) */
  key: string;
  /** squeue's `-o` letter */
  letter?: string;
  /** other names accepted in --format (squeue's `-O` names), lower case */
  aliases?: string[];
  /** for people: local times, Slurm's durations */
  text: (j: Job, now: number) => string;
  /** for programs: numbers, seconds, ISO 8601 times with their zone, null for none */
  data: (j: Job, now: number) => Cell;
}

export function elapsedSec(job: Job, now: number): number {
  if (!job.startedAt) return 0;
  const end = job.finishedAt ? Date.parse(job.finishedAt) : now;
  return Math.max(0, (end - Date.parse(job.startedAt)) / 1000);
}

function where(job: Job): string {
  if (job.state !== 'running') return '';
  // On a Slurm cluster: the node (or the Slurm job, while it waits for one).
  if (job.slurmId != null) return job.node ?? `slurm:${job.slurmId}`;
  return job.gpuIds?.length ? `gpu:${job.gpuIds.join(',')}` : (job.session ?? '');
}

function nodelistReason(job: Job): string {
  if (job.state === 'running') return job.reason ? `${where(job)} (${job.reason})` : where(job);
  if (job.reason) return `(${job.reason})`;
  return job.state === 'queued' ? '(Priority)' : '';
}

function timeLeft(job: Job, now: number): number | null {
  return job.timeLimitSec === null ? null : Math.max(0, job.timeLimitSec - elapsedSec(job, now));
}

const time = (iso: string | null): string => (iso ? localTime(iso) : '');
const secs = (s: number | null, none = ''): string => (s === null ? none : formatElapsed(s));
const plain = (v: Cell): string => (v === null ? '' : String(v));

const dependency = (j: Job): string => j.dependsOn.map((d, i) => `${kindAt(j.dependsKinds, i)}:${d}`).join(j.dependsMode === 'any' ? '?' : ',');
const command = (j: Job): string => (j.command ? j.command.join(' ') : (j.scriptPath ?? j.script ?? ''));

// A column whose text is its data as is.
const same = (c: Omit<Column, 'text'>): Column => ({ ...c, text: (j, now) => plain(c.data(j, now)) });

export const COLUMNS: readonly Column[] = [
  same({ header: 'JOBID', key: 'job_id', letter: 'i', aliases: ['id', 'job_id'], data: (j) => j.id }),
  same({ header: 'NAME', key: 'name', letter: 'j', data: (j) => j.name ?? commandName(j) }),
  same({ header: 'USER', key: 'user', letter: 'u', aliases: ['username'], data: (j) => j.user }),
  same({ header: 'PROJECT', key: 'project', letter: 'a', aliases: ['account'], data: (j) => j.project }),
  same({ header: 'ST', key: 'state_compact', letter: 't', aliases: ['statecompact'], data: (j) => STATE_CODES[j.state] }),
  same({ header: 'STATE', key: 'state', letter: 'T', data: (j) => j.state }),
  { header: 'TIME', key: 'time_used', letter: 'M', aliases: ['timeused'], text: (j, now) => formatElapsed(elapsedSec(j, now)), data: (j, now) => Math.floor(elapsedSec(j, now)) },
  { header: 'TIME_LIMIT', key: 'time_limit', letter: 'l', aliases: ['timelimit'], text: (j) => secs(j.timeLimitSec, 'UNLIMITED'), data: (j) => j.timeLimitSec },
  { header: 'TIME_LEFT', key: 'time_left', letter: 'L', aliases: ['timeleft'], text: (j, now) => secs(timeLeft(j, now), 'UNLIMITED'), data: (j, now) => timeLeft(j, now) },
  // gflow's table has always shown the GPU count here: GPUs are what jobs spread over on one machine.
  same({ header: 'NODES', key: 'nodes', letter: 'D', data: (j) => j.gpus }),
  same({ header: 'GPUS', key: 'gpus', letter: 'b', aliases: ['gres', 'tres_per_node', 'tres-per-node'], data: (j) => j.gpus }),
  same({ header: 'GPU_IDS', key: 'gpu_ids', aliases: ['gpuids'], data: (j) => j.gpuIds?.join(',') ?? null }),
  same({ header: 'CPUS', key: 'cpus', letter: 'C', aliases: ['numcpus'], data: (j) => j.cpus }),
  same({ header: 'MIN_MEMORY', key: 'min_memory_mb', letter: 'm', aliases: ['minmemory', 'mem'], data: (j) => j.memMb ?? null }),
  same({ header: 'NODELIST(REASON)', key: 'nodelist_reason', letter: 'R', aliases: ['reasonlist', 'nodelist_reason'], data: nodelistReason }),
  same({ header: 'NODELIST', key: 'nodelist', letter: 'N', data: where }),
  same({ header: 'REASON', key: 'reason', letter: 'r', data: (j) => j.reason }),
  same({ header: 'PRIORITY', key: 'priority', letter: 'p', aliases: ['prioritylong'], data: (j) => j.priority }),
  { header: 'SUBMIT_TIME', key: 'submit_time', letter: 'V', aliases: ['submittime'], text: (j) => time(j.submittedAt), data: (j) => j.submittedAt },
  { header: 'START_TIME', key: 'start_time', letter: 'S', aliases: ['starttime'], text: (j) => time(j.startedAt), data: (j) => j.startedAt },
  { header: 'END_TIME', key: 'end_time', letter: 'e', aliases: ['endtime'], text: (j) => time(j.finishedAt), data: (j) => j.finishedAt },
  { header: 'BEGIN_TIME', key: 'begin_time', aliases: ['begintime'], text: (j) => time(j.beginAt), data: (j) => j.beginAt },
  same({ header: 'EXIT_CODE', key: 'exit_code', aliases: ['exitcode'], data: (j) => j.exitCode }),
  same({ header: 'WORK_DIR', key: 'work_dir', letter: 'Z', aliases: ['workdir', 'cwd'], data: (j) => j.cwd }),
  same({ header: 'COMMAND', key: 'command', letter: 'o', data: command }),
  same({ header: 'DEPENDENCY', key: 'dependency', letter: 'E', data: (j) => dependency(j) || null }),
  same({ header: 'ARRAY_TASK_ID', key: 'array_task_id', letter: 'K', aliases: ['arraytaskid'], data: (j) => j.arrayTaskId }),
  same({ header: 'GROUP', key: 'group', aliases: ['array_job_id', 'arrayjobid'], data: (j) => j.groupId }),
  same({ header: 'SESSION', key: 'session', data: (j) => j.session }),
];

const byName = new Map<string, Column>();
for (const c of COLUMNS) for (const n of [c.header, c.key, ...(c.aliases ?? [])]) byName.set(n.toLowerCase(), c);
// squeue's long name for NAME.
byName.set('jobname', byName.get('name')!);

export function columnNamed(name: string): Column | undefined {
  return byName.get(name.toLowerCase());
}

export function columnOfLetter(letter: string): Column | undefined {
  return COLUMNS.find((c) => c.letter === letter);
}

/** gflow's default columns: squeue's, with PROJECT after USER when any listed job has one. */
export function defaultColumns(jobs: readonly Job[]): Column[] {
  const names = ['JOBID', 'NAME', 'USER', ...(jobs.some((j) => j.project) ? ['PROJECT'] : []), 'ST', 'TIME', 'NODES', 'NODELIST(REASON)'];
  return names.map((n) => columnNamed(n)!);
}
