// Where gflow keeps things. State under $XDG_DATA_HOME/gflow, configuration under
// $XDG_CONFIG_HOME/gflow; tests isolate a run by pointing these variables at a temp dir.
import os from 'node:os';
import path from 'node:path';

export interface Paths {
  stateDir: string;
  configDir: string;
  db: string;
  daemonLog: string;
  logsDir: string;
  statusDir: string;
  jobsDir: string;
  tokenFile: string;
  configFile: string;
}

export function resolvePaths(env: NodeJS.ProcessEnv = process.env): Paths {
  const home = env.HOME || os.homedir();
  const dataHome = env.XDG_DATA_HOME || path.join(home, '.local', 'share');
  const configHome = env.XDG_CONFIG_HOME || path.join(home, '.config');
  const stateDir = path.join(dataHome, 'gflow');
  const configDir = path.join(configHome, 'gflow');
  return {
    stateDir,
    configDir,
    db: path.join(stateDir, 'gflow.db'),
    daemonLog: path.join(stateDir, 'gflowd.log'),
    logsDir: path.join(stateDir, 'logs'),
    statusDir: path.join(stateDir, 'status'),
    jobsDir: path.join(stateDir, 'jobs'),
    tokenFile: path.join(configDir, 'token'),
    configFile: path.join(configDir, 'config.json'),
  };
}

export function jobLogPath(paths: Paths, id: number): string {
  return path.join(paths.logsDir, `${id}.log`);
}
