// Where gflow keeps things.
//   personal: state under $XDG_DATA_HOME/gflow, configuration under $XDG_CONFIG_HOME/gflow.
//   shared:   one daemon for the machine (run by root): state under /var/lib/gflow (each user's
//             job files in users/<uid>, owned by that user), configuration in /etc/gflow.
// Tests isolate a run by pointing these variables (and GFLOW_SHARED_DIR,
// GFLOW_SHARED_CONFIG_DIR) at a temp dir.
import os from 'node:os';
import path from 'node:path';
import { GflowError } from '../protocol/errors.js';

export type Mode = 'personal' | 'shared';

export interface Paths {
  mode: Mode;
  stateDir: string;
  configDir: string;
  db: string;
  daemonLog: string;
  /** where job files go in personal mode; a shared daemon keeps them per user (jobDirs) */
  logsDir: string;
  statusDir: string;
  jobsDir: string;
  tokenFile: string;
  configFile: string;
  /** a shared daemon's port and pid, readable by everyone: how the CLI finds it */
  discoveryFile: string;
}

/** The mode named by GFLOW_MODE (set by `gflowd up --shared/--personal` too), if any. */
export function modeOf(env: NodeJS.ProcessEnv = process.env): Mode | undefined {
  const m = env.GFLOW_MODE;
  if (m === undefined || m === '') return undefined;
  if (m === 'shared' || m === 'personal') return m;
  throw new GflowError('usage', `invalid GFLOW_MODE '${m}'`, 'use shared or personal');
}

/** The daemon's mode: as asked, else shared for root (`sudo gflowd up`), personal otherwise. */
export function daemonMode(env: NodeJS.ProcessEnv = process.env): Mode {
  return modeOf(env) ?? (process.getuid?.() === 0 ? 'shared' : 'personal');
}

export function personalPaths(env: NodeJS.ProcessEnv = process.env): Paths {
  const home = env.HOME || os.homedir();
  const stateDir = path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), 'gflow');
  const configDir = path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'gflow');
  return layout('personal', stateDir, configDir);
}

export function sharedPaths(env: NodeJS.ProcessEnv = process.env): Paths {
  return layout('shared', env.GFLOW_SHARED_DIR || '/var/lib/gflow', env.GFLOW_SHARED_CONFIG_DIR || '/etc/gflow');
}

function layout(mode: Mode, stateDir: string, configDir: string): Paths {
  return {
    mode,
    stateDir,
    configDir,
    db: path.join(stateDir, 'gflow.db'),
    daemonLog: path.join(stateDir, 'gflowd.log'),
    logsDir: path.join(stateDir, 'logs'),
    statusDir: path.join(stateDir, 'status'),
    jobsDir: path.join(stateDir, 'jobs'),
    tokenFile: path.join(configDir, 'token'),
    configFile: path.join(configDir, 'config.json'),
    discoveryFile: path.join(stateDir, 'daemon.json'),
  };
}

/** The paths of the daemon this process manages (gflowd) or runs (gflowd run). */
export function resolvePaths(env: NodeJS.ProcessEnv = process.env): Paths {
  return daemonMode(env) === 'shared' ? sharedPaths(env) : personalPaths(env);
}

/** Where one user's job files go. */
export interface JobDirs {
  logsDir: string;
  statusDir: string;
  jobsDir: string;
}

export function jobDirs(paths: Paths, uid: number): JobDirs {
  if (paths.mode === 'personal') return { logsDir: paths.logsDir, statusDir: paths.statusDir, jobsDir: paths.jobsDir };
  // Specs stay in root's directory (no user can plant a link there), each file the owner's.
  const base = path.join(paths.stateDir, 'users', String(uid));
  return { logsDir: path.join(base, 'logs'), statusDir: path.join(base, 'status'), jobsDir: paths.jobsDir };
}

/**
 * TMUX_TMPDIR of the tmux server a job of `uid` runs in, when it is not the user's own default:
 * in shared mode, every user's jobs run in that user's server, whose socket directory
 * (tmux-<uid>) the root daemon makes in a root-owned directory of its state, so no other user
 * can take its place first, as anyone can with /tmp/tmux-<uid>. The daemon's own jobs (root's)
 * run in its own server. The CLI finds a job's server here too.
 */
export function jobTmuxTmpdir(paths: Paths, uid: number | null): string | undefined {
  return paths.mode === 'shared' && uid !== null && uid !== 0 ? path.join(paths.stateDir, 'tmux') : undefined;
}
