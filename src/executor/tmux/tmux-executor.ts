// The tmux executor: each job in its own tmux session, run by the wrapper, which writes the
// job's exit status to a status file. The status file is the truth about how a job ended;
// the status directory is watched, so an end is noticed at once.
import fs from 'node:fs';
import path from 'node:path';
import type { ExitStatus, Outcome } from '../../core/end-state.js';
import { TOKEN_VAR } from '../../core/job-env.js';
import { closeControlClient, hasSession, killSession, listPanes, tmuxServerRunning, useControlClient } from '../../tmux/tmux.js';
import type { Executor, Inspection, LaunchSpec, StartedJob, StopOptions } from '../executor.js';
import { isAlive, readEnvironVar } from '../proc.js';
import { launchJob } from './launch.js';
import { whenLogComplete } from './log-complete.js';
import { jobSessionName } from './session-name.js';
import { readStatus, statusFile } from './status-file.js';
import { terminateJob } from './terminate.js';
import { installWrapper } from './wrapper.js';

export interface TmuxExecutorDirs {
  stateDir: string;
  statusDir: string;
  logsDir: string;
  jobsDir: string;
}

export class TmuxExecutor implements Executor {
  private watcher: fs.FSWatcher | null = null;
  private wrapper = '';

  constructor(
    private readonly dirs: TmuxExecutorDirs,
    private readonly warn: (message: string) => void,
  ) {}

  async start(onMaybeEnded: (id: number) => void): Promise<void> {
    for (const dir of [this.dirs.statusDir, this.dirs.logsDir, this.dirs.jobsDir]) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.wrapper = installWrapper(this.dirs.stateDir);
    this.watcher = fs.watch(this.dirs.statusDir, (_event, file) => {
      if (file && /^\d+$/.test(file)) onMaybeEnded(Number(file));
    });
    this.watcher.on('error', (err) => this.warn(`status watcher: ${err.message}`));
    // Inside tmux (the daemon's own session), commands go through one control-mode client.
    useControlClient();
  }

  placeFor(job: { id: number; name: string | null }): string {
    return jobSessionName(job.id, job.name);
  }

  launch(spec: LaunchSpec): Promise<number> {
    const { job } = spec;
    return launchJob(
      { id: job.id, session: spec.session, command: job.command, script: job.script, cwd: job.cwd, env: spec.env },
      { jobsDir: this.dirs.jobsDir, statusFile: statusFile(this.dirs.statusDir, job.id), logFile: this.logPath(job.id), wrapper: this.wrapper },
    );
  }

  async inspect(job: StartedJob): Promise<Inspection> {
    const status = readStatus(this.dirs.statusDir, job.id);
    if (status) return this.ended(job, status);
    let pid = job.pid;
    if (pid === null && job.session) {
      // The previous daemon died between creating the session and recording its pid.
      const pane = (await listPanes(job.session))[0];
      if (pane && !pane.dead) pid = pane.pid;
    }
    if (pid !== null && isAlive(pid) && (!job.session || (await hasSession(job.session)))) return { kind: 'running', pid };
    // The wrapper may have written its status just now.
    return this.ended(job, readStatus(this.dirs.statusDir, job.id) ?? null);
  }

  // Waits for the log to be complete; tells a lost tmux server from a lost job.
  private async ended(job: StartedJob, exit: ExitStatus | null): Promise<Inspection> {
    if (exit) await whenLogComplete(this.logPath(job.id));
    // A job that died of a hang-up, or vanished, with no tmux server left: the server went.
    const serverLost = (exit === null || exit.signal === 'SIGHUP') && !job.stopRequest && !(await tmuxServerRunning());
    const outcome: Outcome = { exit, serverLost };
    return { kind: 'ended', outcome };
  }

  async stop(job: StartedJob, o: StopOptions): Promise<void> {
    await terminateJob({ pid: job.pid, token: job.token }, { graceMs: o.graceMs, onEscalate: o.onEscalate });
  }

  dispose(job: { session: string | null }): Promise<boolean> {
    return job.session ? killSession(job.session) : Promise.resolve(false);
  }

  tokenOf(pid: number): string | undefined {
    return readEnvironVar(pid, TOKEN_VAR);
  }

  logPath(id: number): string {
    return path.join(this.dirs.logsDir, `${id}.log`);
  }

  close(): void {
    this.watcher?.close();
    this.watcher = null;
    closeControlClient();
  }
}
