// The tmux executor: each job in its own tmux session, run by the wrapper, which writes the
// job's exit status to a status file. The status file is the truth about how a job ended;
// status directories are watched, so an end is noticed at once.
//
// A shared daemon (root) runs each job as its owner, in the owner's own tmux server, so the
// owner can attach to it and nobody else can. Each owner's logs and status files live in a
// directory only that owner (and root) can enter; specs live in root's directory, each
// readable by its owner only.
import fs from 'node:fs';
import path from 'node:path';
import { jobDirs, jobTmuxTmpdir, type JobDirs, type Paths } from '../../config/paths.js';
import type { ExitStatus, Outcome } from '../../core/end-state.js';
import { TOKEN_VAR } from '../../core/job-env.js';
import { userById } from '../../identity/users.js';
import { GflowError } from '../../protocol/errors.js';
import { closeControlClient, sendKeys, killSession, listPanes, runAs, tmuxServerRunning, useControlClient, type RunAs } from '../../tmux/tmux.js';
import { jobDir, jobFiles, logFile, removeAll } from '../job-files.js';
import type { PurgedJob, Executor, Inspection, LaunchSpec, OwnedJob, Placement, StartedJob, StopOptions } from '../executor.js';
import { memoryCgroups, type MemoryCgroups } from '../cgroup.js';
import { holdJobGpus } from '../gpu-hold.js';
import { bootId, ofEarlierBoot, processFate, readCmdline, readEnvironVar, readStat, signallableBy, type ProcessIdentity } from '../proc.js';
import { ensureDir, writeFresh, type Owner } from '../../config/safe-file.js';
import { fdPath, openDirectory } from '../../config/safe-open.js';
import { launchJob } from './launch.js';
import { whenLogComplete } from './log-complete.js';
import { jobSessionName } from './session-name.js';
import { readStatus, statusFile } from './status-file.js';
import { signallerFor } from './signaller.js';
import { ensureSocketDir } from './socket-dir.js';
import { jobProcesses, signalJob, terminateJob, type JobProcessRef } from './terminate.js';
import { installWrapper } from './wrapper.js';

const MY_UID = process.getuid?.() ?? 0;

export class TmuxExecutor implements Executor {
  private readonly watchers = new Map<string, fs.FSWatcher>();
  private readonly unwatchable = new Set<string>();
  private onMaybeEnded: (id: number) => void = () => {};
  private wrapper = '';
  private readonly cgroups: MemoryCgroups;

  constructor(
    private readonly paths: Paths,
    private readonly warn: (message: string) => void,
    /** the maxLog setting: what a job's log keeps unless the job says (--max-log) */
    private readonly maxLogBytes: number | null = null,
  ) {
    this.cgroups = memoryCgroups(paths.stateDir);
  }

  async start(onMaybeEnded: (id: number) => void): Promise<void> {
    this.onMaybeEnded = onMaybeEnded;
    this.wrapper = installWrapper(this.paths.stateDir);
    if (this.paths.mode === 'shared') {
      ensureDir(path.join(this.paths.stateDir, 'users'), 0o755);
      ensureDir(this.paths.jobsDir, 0o711);
      for (const uid of fs.readdirSync(path.join(this.paths.stateDir, 'users')).filter((n) => /^\d+$/.test(n))) this.prepare(Number(uid));
    } else {
      this.prepare(MY_UID);
    }
    // Inside tmux (the daemon's own session), its own commands go through one control client.
    useControlClient();
  }

  /** The job's owner: its account (undefined: the daemon's own) and its directories. */
  private owner(uid: number | null): { as: (RunAs & Owner) | undefined; dirs: JobDirs } {
    const id = uid ?? MY_UID;
    const dirs = jobDirs(this.paths, id);
    if (id === MY_UID) return { as: undefined, dirs };
    const user = userById(id);
    if (!user) throw new GflowError('internal', `no account with uid ${id} on this machine`);
    return { as: { uid: id, gid: user.gid, name: user.name, home: user.home, tmuxTmpdir: jobTmuxTmpdir(this.paths, id) }, dirs };
  }

  // The owner's directories (created once; in shared mode owned by the owner, and entered
  // through a root-owned parent so nobody can plant a link on the way), and a watch on its
  // status directory.
  private prepare(uid: number): JobDirs {
    const { as, dirs } = this.owner(uid);
    if (this.watchers.has(dirs.statusDir)) return dirs;
    if (as) {
      const base = path.dirname(dirs.statusDir);
      if (!fs.existsSync(base)) {
        // Built while root-owned, handed over last: the owner cannot race the set-up.
        fs.mkdirSync(base, { mode: 0o700 });
        for (const d of [dirs.logsDir, dirs.statusDir]) ensureDir(d, 0o700, as);
        fs.lchownSync(base, as.uid, as.gid);
      }
    } else {
      // The daemon's own jobs; a shared daemon's spec directory stays enterable by everyone.
      for (const d of [dirs.statusDir, dirs.logsDir]) ensureDir(d, 0o700);
      if (this.paths.mode === 'personal') ensureDir(dirs.jobsDir, 0o700);
    }
    // Watched through a descriptor opened without following a link the owner planted (the
    // watch stays on that directory; the descriptor is not needed once the watch is set).
    const fd = openDirectory(dirs.statusDir);
    if (fd === undefined) {
      // The owner replaced it (a link?): their jobs' ends are found by the periodic check only.
      if (!this.unwatchable.has(dirs.statusDir)) this.warn(`${dirs.statusDir} is not a directory of its owner's; not watched`);
      this.unwatchable.add(dirs.statusDir);
      return dirs;
    }
    let watcher: fs.FSWatcher;
    try {
      watcher = fs.watch(fdPath(fd), (_event, file) => {
        if (file && /^\d+$/.test(file)) this.onMaybeEnded(Number(file));
      });
    } finally {
      fs.closeSync(fd);
    }
    watcher.on('error', (err) => this.warn(`status watcher ${dirs.statusDir}: ${err.message}`));
    this.watchers.set(dirs.statusDir, watcher);
    return dirs;
  }

  placeFor(job: { id: number; name: string | null }): string {
    return jobSessionName(job.id, job.name);
  }

  async launch(spec: LaunchSpec): Promise<Placement> {
    const { job } = spec;
    const { as } = this.owner(job.uid);
    const dirs = this.prepare(job.uid ?? MY_UID);
    // The owner's tmux server may start now: its socket directory first, made (or put right) by root.
    if (as?.tmuxTmpdir) ensureSocketDir(as.tmuxTmpdir, as);
    // With --mem, the wrapper moves itself into the job's memory cgroup before the job runs.
    const env = { ...spec.env };
    if (job.memMb !== null && this.cgroups.enforced) env.GFLOW_CGROUP_PROCS = this.cgroups.create(job.id, job.memMb, as);
    // Another user's job cannot open root's GPU lock files: root holds its locks for it.
    const gpuHold = as ? await holdJobGpus(env, this.warn) : undefined;
    let pid: number;
    try {
      pid = await launchJob(
        { id: job.id, session: spec.session, command: job.command, script: job.script, cwd: job.cwd, env, maxLogBytes: job.maxLogBytes ?? this.maxLogBytes },
        { jobDir: path.join(dirs.jobsDir, String(job.id)), statusFile: statusFile(dirs.statusDir, job.id), logFile: logFile(dirs.logsDir, job.id), wrapper: this.wrapper },
        as,
      );
    } catch (err) {
      gpuHold?.release();
      throw err;
    }
    // The pane's process is known from now on by its pid and start time (see wrapperOf).
    const owner = job.uid ?? MY_UID;
    const stat = readStat(pid);
    gpuHold?.attach(pid, stat?.startTime ?? '');
    return { pid, pidStart: stat && signallableBy(pid, owner) ? stat.startTime : null, bootId: bootId() };
  }

  async inspect(job: StartedJob): Promise<Inspection> {
    const { as, dirs } = this.owner(job.uid);
    this.prepare(job.uid ?? MY_UID);
    const status = readStatus(dirs.statusDir, job.id, job.uid ?? MY_UID);
    // Started in an earlier boot: the reboot ended all of it (the wrapper may have had time to
    // write the status of a job killed on the way down). Nothing of this boot is looked for.
    if (ofEarlierBoot(job.bootId)) return this.ended(job, status ?? null, as, { rebooted: true });
    if (status) return this.ended(job, status, as, {});
    const { wrapper, replaced } = await this.wrapperOf(job, statusFile(dirs.statusDir, job.id), as);
    if (wrapper) return { kind: 'running', pid: wrapper.pid, pidStart: wrapper.startTime, bootId: bootId() };
    // The wrapper may have written its status just now.
    const late = readStatus(dirs.statusDir, job.id, job.uid ?? MY_UID);
    if (late) return this.ended(job, late, as, {});
    // Its session or wrapper is gone (a `tmux kill-server`, a kill of the wrapper), but a job
    // is over only when none of its processes is left: they still run, and are stopped by a
    // cancel or a time limit like any job's.
    const left = jobProcesses({ wrapper: null, token: job.token, uid: job.uid ?? MY_UID });
    if (left.length > 0) return { kind: 'running', pid: left[0]!.pid, pidStart: left[0]!.startTime, bootId: bootId() };
    return this.ended(job, null, as, replaced ? { lost: `lost: its process ${job.pid} ended, and pid ${job.pid} now belongs to another process` } : {});
  }

  /**
   * The job's wrapper, known by its pid and start time, while it runs (`replaced`: it ended and
   * its pid now names another process, which is never taken for it). A record without a start
   * time (the previous daemon died before it recorded the pid, or was an older gflow) takes it
   * now from the pane's live process, or from the process that runs this job's wrapper command.
   */
  private async wrapperOf(job: StartedJob, status: string, as: RunAs | undefined): Promise<{ wrapper: ProcessIdentity | null; replaced: boolean }> {
    let pid = job.pid;
    let startTime = job.pidStart ?? null;
    if (startTime === null && job.session) {
      const pane = (await listPanes(job.session, as))[0];
      if (pid === null && pane && !pane.dead) pid = pane.pid;
      if (pid !== null && ((pane && !pane.dead && pane.pid === pid) || readCmdline(pid).includes(status))) startTime = readStat(pid)?.startTime ?? null;
    }
    if (pid === null || startTime === null) return { wrapper: null, replaced: false };
    const wrapper = { pid, startTime, bootId: job.bootId };
    const fate = processFate(wrapper, job.uid ?? MY_UID);
    return { wrapper: fate === 'same' ? wrapper : null, replaced: fate === 'replaced' };
  }

  /** null: the job ran in an earlier boot; no process of this boot is its, none is signalled. */
  private async processRef(job: StartedJob): Promise<JobProcessRef | null> {
    if (ofEarlierBoot(job.bootId)) return null;
    const { as, dirs } = this.owner(job.uid);
    const { wrapper } = await this.wrapperOf(job, statusFile(dirs.statusDir, job.id), as);
    return { wrapper, token: job.token, uid: job.uid ?? MY_UID };
  }

  // Waits for the log to be complete; tells a lost tmux server from a lost job, and a job the
  // kernel killed for memory.
  private async ended(job: StartedJob, exit: ExitStatus | null, as: RunAs | undefined, why: Pick<Outcome, 'lost' | 'rebooted'>): Promise<Inspection> {
    if (exit) await whenLogComplete(this.logPath(job), job.uid ?? MY_UID);
    // A job that died of a hang-up, or vanished, with no tmux server left: the server went.
    const serverLost = (exit === null || exit.signal === 'SIGHUP') && !job.stopRequest && !(await tmuxServerRunning(as));
    // The spec holds the submitter's environment: no copy outlives the job.
    fs.rmSync(path.join(jobDirs(this.paths, job.uid ?? MY_UID).jobsDir, String(job.id), 'spec.sh'), { force: true });
    const outOfMemory = this.cgroups.oomKilled(job.id);
    this.cgroups.remove(job.id);
    const outcome: Outcome = { exit, serverLost, outOfMemory, ...why };
    return { kind: 'ended', outcome };
  }

  async stop(job: StartedJob, o: StopOptions): Promise<void> {
    const ref = await this.processRef(job);
    if (ref) await terminateJob(ref, signallerFor(this.owner(job.uid).as), { graceMs: o.graceMs, onEscalate: o.onEscalate });
  }

  async purge(jobs: readonly PurgedJob[]): Promise<void> {
    const byOwner = new Map<number | null, PurgedJob[]>();
    for (const j of jobs) {
      const group = byOwner.get(j.uid);
      if (group) group.push(j);
      else byOwner.set(j.uid, [j]);
    }
    for (const [uid, group] of byOwner) {
      const { as, dirs } = this.owner(uid);
      for (const j of group) if (j.session && !j.sessionClosed) await this.dispose(j);
      const files = group.flatMap((j) => jobFiles(j, dirs));
      // The owner's files are in directories the owner controls: removed as the owner.
      if (as) for (let i = 0; i < files.length; i += 1000) await runAs(as, ['/bin/rm', '-f', '--', ...files.slice(i, i + 1000)]);
      else await removeAll(files, 'files');
      await removeAll(group.flatMap((j) => jobDir(j, dirs) ?? []), 'dirs');
    }
  }

  async archiveLog(job: OwnedJob, attempt: number): Promise<string | null> {
    const from = this.logPath(job);
    const to = from.replace(/\.log$/, `.${attempt}.log`);
    const { as } = this.owner(job.uid);
    // Another user's log is in a directory that user controls: moved as that user.
    if (as) return (await runAs(as, ['/bin/mv', '-f', '--', from, to])).code === 0 ? to : null;
    try {
      fs.renameSync(from, to);
      return to;
    } catch {
      return null;
    }
  }

  async signal(job: StartedJob, sig: NodeJS.Signals): Promise<number> {
    const ref = await this.processRef(job);
    return ref ? signalJob(ref, sig, signallerFor(this.owner(job.uid).as)) : 0;
  }

  async sendKeys(job: StartedJob, text: string, enter: boolean): Promise<void> {
    if (!job.session) throw new GflowError('conflict', `job ${job.id} has no terminal yet`, 'try again once it runs');
    await sendKeys(job.session, text, enter, this.owner(job.uid).as);
  }

  dispose(job: { uid: number | null; session: string | null }): Promise<boolean> {
    return job.session ? killSession(job.session, this.owner(job.uid).as) : Promise.resolve(false);
  }

  async forget(job: StartedJob): Promise<void> {
    const { as, dirs } = this.owner(job.uid);
    await this.dispose(job);
    // The status file is in a directory its owner controls: removed as the owner.
    if (as) await runAs(as, ['/bin/rm', '-f', '--', statusFile(dirs.statusDir, job.id)]);
    else fs.rmSync(statusFile(dirs.statusDir, job.id), { force: true });
  }

  keepScript(job: OwnedJob, text: string): string {
    const { as, dirs } = this.owner(job.uid);
    const dir = path.join(dirs.jobsDir, String(job.id));
    ensureDir(dir, as ? 0o711 : 0o700);
    const file = path.join(dir, 'script');
    writeFresh(file, text, 0o700, as);
    return file;
  }

  tokenOf(pid: number): string | undefined {
    return readEnvironVar(pid, TOKEN_VAR);
  }

  logPath(job: OwnedJob): string {
    return logFile(jobDirs(this.paths, job.uid ?? MY_UID).logsDir, job.id);
  }

  async close(): Promise<void> {
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    await closeControlClient();
  }
}
