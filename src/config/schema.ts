// The settings a user can keep in the config file (`gflow config set …`), with their
// defaults. One definition serves the fast reader (src/config/settings.ts) and conf's
// validation (src/cli/commands/config.ts).
import os from 'node:os';
import type { Mode } from './paths.js';
import { DEFAULT_PORT } from '../protocol/version.js';

export interface Settings {
  /** TCP port on 127.0.0.1 that the daemon listens on */
  port: number;
  /** CPU slots the scheduler hands out */
  cpus: number;
  /** seconds between SIGTERM and SIGKILL when a job is cancelled or times out */
  killGraceSec: number;
  /** GPUs gflow may use: `all` or indices like `0,2` */
  gpus: string;
  /** which free GPUs a job gets: the lowest indices, or random ones */
  gpuStrategy: 'sequential' | 'random';
  /** the projects a job may name with -P (comma list); empty: any project */
  projects: string;
  /** every job must name a project */
  projectRequired: boolean;
  /** fair share: hours after which past usage counts half */
  fairShareHalfLifeHours: number;
  /** fair share: how many CPU-hours one GPU-hour counts as */
  fairShareGpuWeight: number;
  /** ended jobs older than this are removed daily (`off`, or an age like 30d) */
  retention: string;
  /** events (GET /v1/events, `gflow events`) older than this are removed (an age like 7d) */
  eventsMaxAge: string;
  /** at most this many events are kept */
  eventsMaxCount: number;
  /** notifications: the SMTP server e-mail goes through (the password: `gflow config set smtpPassword -`) */
  smtpHost: string;
  smtpPort: number;
  /** the From address (empty: gflow@<hostname>) */
  smtpFrom: string;
  /** the SMTP login (empty: none) */
  smtpUser: string;
  /** notifications: attempts before a delivery is marked failed */
  notifyMaxAttempts: number;
  /** notifications: the wait before the first retry, doubled at each next one (at most an hour) */
  notifyBackoffMs: number;
  /** notifications: how long one attempt may take */
  notifyTimeoutSec: number;
  /** where jobs run: tmux sessions on this machine, or a Slurm cluster (sbatch) */
  executor: 'tmux' | 'slurm';
  /** executor slurm: sbatch --partition (empty: the cluster's default) */
  partition: string;
  /** executor slurm: sbatch --account (empty: the user's default) */
  account: string;
  /** executor slurm: sbatch --qos (empty: the default) */
  qos: string;
  /** the most of its output a job's log keeps, unless the job says (--max-log): off or a size (shared mode: 1G by default) */
  maxLog: string;
  /** how many jobs a user may have waiting (queued or held) where no quota says (`gflow quota`): off or a number (shared mode: 10000 by default) */
  maxQueued: string;
  /** the most environment a waiting job keeps (it runs with it): a size; more than 2M counts as 2M, what Linux passes to a program (shared mode: 256K by default) */
  maxEnv: string;
  /** new jobs are neither taken nor started while the state directory's disk has less free than this, so that the database can always write: off or a size (shared mode: 1G by default) */
  minFree: string;
}

export const SETTING_KEYS = ['port', 'cpus', 'killGraceSec', 'gpus', 'gpuStrategy', 'projects', 'projectRequired', 'fairShareHalfLifeHours', 'fairShareGpuWeight', 'retention', 'eventsMaxAge', 'eventsMaxCount', 'smtpHost', 'smtpPort', 'smtpFrom', 'smtpUser', 'notifyMaxAttempts', 'notifyBackoffMs', 'notifyTimeoutSec', 'executor', 'partition', 'account', 'qos', 'maxLog', 'maxQueued', 'maxEnv', 'minFree'] as const satisfies readonly (keyof Settings)[];
export type SettingKey = (typeof SETTING_KEYS)[number];

/** The defaults; `mode` shared: the machine's daemon, whose disk every user shares. */
export function defaultSettings(mode: Mode = 'personal'): Settings {
  // Half-life 7 days as Slurm's PriorityDecayHalfLife; a GPU-hour as 10 CPU-hours (a GPU is
  // the scarce part of a GPU machine; Slurm leaves TRES weights to the site).
  const base: Settings = { port: DEFAULT_PORT, cpus: os.availableParallelism(), killGraceSec: 10, gpus: 'all', gpuStrategy: 'sequential', projects: '', projectRequired: false, fairShareHalfLifeHours: 168, fairShareGpuWeight: 10, retention: 'off', eventsMaxAge: '7d', eventsMaxCount: 100_000, ...NOTIFY_DEFAULTS, executor: 'tmux', partition: '', account: '', qos: '', maxLog: 'off', maxQueued: 'off', maxEnv: '2M', minFree: 'off' };
  return mode === 'shared' ? { ...base, ...SHARED_DEFAULTS } : base;
}

// One user of a shared daemon must not fill the disk everyone's jobs and the database live on.
// A log of 1G is far more than a training run prints; 10,000 waiting jobs is Slurm's default
// MaxJobCount for a whole cluster; 256K is some 20 times a usual login environment (a
// conda or module environment is 5-20K); 1G free keeps the database writing for long after
// the last job is refused. A personal daemon's disk is its owner's own: no limits there.
const SHARED_DEFAULTS = { maxLog: '1G', maxQueued: '10000', maxEnv: '256K', minFree: '1G' } satisfies Partial<Settings>;

// Notifications: a local mail server by default; retries for about 40 minutes in all.
const NOTIFY_DEFAULTS = { smtpHost: 'localhost', smtpPort: 25, smtpFrom: '', smtpUser: '', notifyMaxAttempts: 10, notifyBackoffMs: 5000, notifyTimeoutSec: 15 };

// JSON schema for conf (ajv).
export const SETTINGS_SCHEMA = {
  port: { type: 'integer', minimum: 1, maximum: 65535 },
  cpus: { type: 'integer', minimum: 1, maximum: 4096 },
  killGraceSec: { type: 'integer', minimum: 0, maximum: 86400 },
  gpus: { type: 'string', pattern: '^(all|\\d+(,\\d+)*)$' },
  gpuStrategy: { type: 'string', enum: ['sequential', 'random'] },
  projects: { type: 'string', pattern: '^([A-Za-z0-9][A-Za-z0-9_.-]{0,63}(,[A-Za-z0-9][A-Za-z0-9_.-]{0,63})*)?$' },
  projectRequired: { type: 'boolean' },
  fairShareHalfLifeHours: { type: 'integer', minimum: 1, maximum: 87600 },
  fairShareGpuWeight: { type: 'integer', minimum: 0, maximum: 100000 },
  retention: { type: 'string', pattern: '^(off|[1-9]\\d*[smhdw])$' },
  eventsMaxAge: { type: 'string', pattern: '^[1-9]\\d*[smhdw]$' },
  eventsMaxCount: { type: 'integer', minimum: 100, maximum: 100_000_000 },
  smtpHost: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}$' },
  smtpPort: { type: 'integer', minimum: 1, maximum: 65535 },
  smtpFrom: { type: 'string', pattern: '^([^\\s@<>]+@[^\\s@<>]+|[^\\r\\n<>]{1,100} <[^\\s@<>]+@[^\\s@<>]+>)?$' },
  smtpUser: { type: 'string', pattern: '^[^\\r\\n]{0,320}$' },
  notifyMaxAttempts: { type: 'integer', minimum: 1, maximum: 100 },
  notifyBackoffMs: { type: 'integer', minimum: 10, maximum: 3_600_000 },
  notifyTimeoutSec: { type: 'integer', minimum: 1, maximum: 600 },
  executor: { type: 'string', enum: ['tmux', 'slurm'] },
  partition: { type: 'string', pattern: '^[A-Za-z0-9_.,-]{0,128}$' },
  account: { type: 'string', pattern: '^[A-Za-z0-9_.-]{0,128}$' },
  qos: { type: 'string', pattern: '^[A-Za-z0-9_.-]{0,128}$' },
  maxLog: { type: 'string', pattern: '^(off|[1-9]\\d*(\\.\\d+)?[KMGT]?)$' },
  maxQueued: { type: 'string', pattern: '^(off|[1-9]\\d{0,6})$' },
  maxEnv: { type: 'string', pattern: '^[1-9]\\d*(\\.\\d+)?[KM]?$' },
  minFree: { type: 'string', pattern: '^(off|[1-9]\\d*(\\.\\d+)?[KMGT]?)$' },
} as const;

// Environment variables that override the config file.
export const SETTING_ENV: Record<SettingKey, string> = {
  port: 'GFLOW_PORT',
  cpus: 'GFLOW_CPUS',
  killGraceSec: 'GFLOW_KILL_GRACE_SEC',
  gpus: 'GFLOW_GPUS',
  gpuStrategy: 'GFLOW_GPU_STRATEGY',
  projects: 'GFLOW_PROJECTS',
  projectRequired: 'GFLOW_PROJECT_REQUIRED',
  fairShareHalfLifeHours: 'GFLOW_FAIR_SHARE_HALF_LIFE_HOURS',
  fairShareGpuWeight: 'GFLOW_FAIR_SHARE_GPU_WEIGHT',
  retention: 'GFLOW_RETENTION',
  eventsMaxAge: 'GFLOW_EVENTS_MAX_AGE',
  eventsMaxCount: 'GFLOW_EVENTS_MAX_COUNT',
  smtpHost: 'GFLOW_SMTP_HOST',
  smtpPort: 'GFLOW_SMTP_PORT',
  smtpFrom: 'GFLOW_SMTP_FROM',
  smtpUser: 'GFLOW_SMTP_USER',
  notifyMaxAttempts: 'GFLOW_NOTIFY_MAX_ATTEMPTS',
  notifyBackoffMs: 'GFLOW_NOTIFY_BACKOFF_MS',
  notifyTimeoutSec: 'GFLOW_NOTIFY_TIMEOUT_SEC',
  executor: 'GFLOW_EXECUTOR',
  partition: 'GFLOW_PARTITION',
  account: 'GFLOW_ACCOUNT',
  qos: 'GFLOW_QOS',
  maxLog: 'GFLOW_MAX_LOG',
  maxQueued: 'GFLOW_MAX_QUEUED',
  maxEnv: 'GFLOW_MAX_ENV',
  minFree: 'GFLOW_MIN_FREE',
};

export function isSettingKey(key: string): key is SettingKey {
  return (SETTING_KEYS as readonly string[]).includes(key);
}

/** Text (from the environment or `config set`) as the setting's type. */
export function parseSettingText(key: SettingKey, text: string): unknown {
  const type = SETTINGS_SCHEMA[key].type;
  if (type === 'boolean') return ({ true: true, false: false, yes: true, no: false, '1': true, '0': false } as Record<string, boolean>)[text.trim().toLowerCase()] ?? text;
  return type === 'integer' ? (/^-?\d+$/.test(text.trim()) ? Number(text) : text) : text.trim();
}

export function validSettingValue(key: SettingKey, value: unknown): boolean {
  const s = SETTINGS_SCHEMA[key];
  if (s.type === 'integer') return typeof value === 'number' && Number.isInteger(value) && value >= s.minimum && value <= s.maximum;
  if (s.type === 'boolean') return typeof value === 'boolean';
  if (typeof value !== 'string') return false;
  if ('enum' in s) return (s.enum as readonly string[]).includes(value);
  return new RegExp(s.pattern).test(value);
}

export function describeSetting(key: SettingKey): string {
  const s = SETTINGS_SCHEMA[key];
  if (s.type === 'integer') return `a whole number from ${s.minimum} to ${s.maximum}`;
  if (s.type === 'boolean') return 'true or false';
  if ('enum' in s) return `one of ${s.enum.join(', ')}`;
  if (key === 'projects') return 'project names separated by commas (letters, digits, _ . -), or empty for any';
  if (key === 'retention') return 'off, or an age like 30d, 12h, 2w';
  if (key === 'maxLog' || key === 'minFree') return 'off, or a size like 500M, 2G';
  if (key === 'maxQueued') return 'off, or a number of jobs from 1 to 9999999';
  if (key === 'maxEnv') return 'a size like 64K, 256K or 2M (more than 2M counts as 2M: Linux passes no more)';
  if (key === 'eventsMaxAge') return 'an age like 7d, 12h, 2w';
  if (key === 'smtpHost') return 'a host name or address, e.g. smtp.example.com';
  if (key === 'smtpFrom') return 'an address, e.g. gflow@example.com or "gflow <gflow@example.com>", or empty';
  if (key === 'smtpUser') return 'a login name on one line, or empty';
  if (key === 'partition') return 'Slurm partition names (letters, digits, _ . -, comma-separated), or empty for the default';
  if (key === 'account' || key === 'qos') return `a Slurm ${key} name (letters, digits, _ . -), or empty for the default`;
  return 'all, or GPU indices like 0,2';
}

/** `all` → null (every GPU); `0,2` → [0, 2]. */
export function parseGpuList(text: string): number[] | null {
  return text === 'all' ? null : [...new Set(text.split(',').map(Number))].sort((a, b) => a - b);
}

/** The `projects` setting as a list; empty: any project is allowed. */
export function parseProjectList(text: string): string[] {
  return text.split(',').map((p) => p.trim()).filter((p) => p !== '');
}
