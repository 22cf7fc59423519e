// The Slurm executor: each job is handed to Slurm with sbatch and runs, on its node, in a tmux
// session under gflow's own wrapper (src/executor/slurm/batch-script.ts). The wrapper's status
// file is the truth about how a job ended, as with the tmux executor; Slurm's queue says where
// a job is and how Slurm ended what the job did not end itself.
//
// At most once: the scheduler records a job as running (handed over, with its session name)
// before `launch`, and every submission carries the tag gflow:<daemon id>:<job id>. A daemon
// that died between the two finds the job in Slurm by its tag instead of submitting it again.
//
// The state directory (logs, status files, specs) must be on a file system the nodes share.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pLimit from 'p-limit';
import { jobDirs, type Paths } from '../../config/paths.js';
import type { ExitStatus, Outcome } from '../../core/end-state.js';
import type { JobRecord } from '../../core/job.js';
import type { SlurmClusterInfo } from '../../protocol/api.js';
import { GflowError } from '../../protocol/errors.js';
import { jobDir, jobFiles, logFile, removeAll } from '../job-files.js';
import type { PurgedJob, Executor, Inspection, LaunchSpec, OwnedJob, Placement, StartedJob, StopOptions } from '../executor.js';
import { ensureDir, writeFresh } from '../../config/safe-file.js';
import { whenLogComplete } from '../tmux/log-complete.js';
import { jobSessionName } from '../tmux/session-name.js';
import { readStatus, statusFile } from '../tmux/status-file.js';
import { installWrapper } from '../tmux/wrapper.js';
import { writeBatchFiles } from './batch-files.js';
import { refusal, sbatchArgs, slurmTag, type SlurmDefaults } from './mapping.js';
import { runSlurm, slurmOk } from './slurm-cli.js';
import { SlurmQueue } from './slurm-queue.js';
import { batchEnd, isActive, parseSinfo, SINFO_FORMAT, type SlurmJobInfo } from './slurm-state.js';

const MY_UID = process.getuid?.() ?? 0;
const POLL_MS = 1000;
// sbatch calls at once: a pass that hands over hundreds of jobs must not flood slurmctld with
// as many simultaneous RPCs (they time out); a few in flight keep it busy.
const SBATCH_AT_ONCE = 4;

/** A daemon's id in its tags: the same for every daemon of one state directory on one host. */
export function daemonIdOf(stateDir: string): string {
  return crypto.createHash('sha256').update(`${os.hostname()}:${path.resolve(stateDir)}`).digest('hex').slice(0, 10);
}

export class SlurmExecutor implements Executor {
  private readonly daemonId: string;
  private readonly queue: SlurmQueue;
  private watcher: fs.FSWatcher | undefined;
  private wrapper = '';
  private onMaybeEnded: (id: number) => void = () => {};
  /** jobs handed over and not known to have ended: the queue is watched while there are some */
  private readonly active = new Set<number>();
  /** when sbatch returned for each job this daemon handed over: it is looked for in reads begun after that */
  private readonly submitted = new Map<number, number>();
  private readonly sbatchSlots = pLimit(SBATCH_AT_ONCE);

  constructor(
    private readonly paths: Paths,
    private readonly defaults: SlurmDefaults,
    private readonly warn: (message: string) => void,
    /** the maxLog setting (see TmuxExecutor) */
    private readonly maxLogBytes: number | null = null,
  ) {
    if (paths.mode !== 'personal') throw new GflowError('usage', 'the Slurm executor runs in a personal daemon (each user hands their own jobs to Slurm)', 'start it as the user: gflowd up --personal --executor slurm');
    this.daemonId = daemonIdOf(paths.stateDir);
    this.queue = new SlurmQueue(this.daemonId, warn);
  }

  async start(onMaybeEnded: (id: number) => void): Promise<void> {
    this.onMaybeEnded = onMaybeEnded;
    // Slurm must answer before the daemon says it is ready.
    await slurmOk('squeue', ['--me', '-h', '-o', '%i'], 'cannot reach Slurm');
    this.wrapper = installWrapper(this.paths.stateDir);
    for (const d of [this.paths.statusDir, this.paths.logsDir, this.paths.jobsDir]) ensureDir(d, 0o700);
    this.watcher = fs.watch(this.paths.statusDir, (_event, file) => {
      if (file && /^\d+$/.test(file)) this.onMaybeEnded(Number(file));
    });
    this.watcher.on('error', (err) => this.warn(`status watcher ${this.paths.statusDir}: ${err.message}`));
    this.queue.watch(POLL_MS, () => this.active.size > 0, (id) => this.onMaybeEnded(id));
  }

  placeFor(job: Pick<JobRecord, 'id' | 'name'>): string {
    return jobSessionName(job.id, job.name);
  }

  async launch(spec: LaunchSpec): Promise<Placement> {
    const { job } = spec;
    if (job.uid !== null && job.uid !== MY_UID) throw new GflowError('forbidden', `job ${job.id} belongs to another user`, 'each user runs their own daemon with the Slurm executor');
    const jobDir = path.join(this.paths.jobsDir, String(job.id));
    const batchFile = writeBatchFiles({ job, env: spec.env, session: spec.session, jobDir, wrapper: this.wrapper, statusFile: statusFile(this.paths.statusDir, job.id), logFile: this.logPath(job), maxLogBytes: job.maxLogBytes ?? this.maxLogBytes });
    const args = sbatchArgs(job, this.defaults, slurmTag(this.daemonId, job.id), path.join(jobDir, 'batch.out'));
    this.active.add(job.id);
    const r = await this.sbatchSlots(() => runSlurm('sbatch', [...args, batchFile]));
    // Slurm has the job once sbatch returned: only a read begun after that may say it is gone.
    this.submitted.set(job.id, Date.now());
    if (r.code !== 0) {
      // sbatch may fail after slurmctld took the job (a timed-out reply): Slurm is asked by the tag.
      const taken = (await this.queue.snapshot(0).catch(() => undefined))?.byJobId.get(job.id);
      if (taken) return { pid: null, slurmId: taken.slurmId, node: taken.node };
      this.done(job.id);
      throw new GflowError('internal', `cannot hand job ${job.id} to Slurm: sbatch said: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' ') || `exit ${r.code}`}`, 'check the job\'s options against the cluster (sinfo, scontrol show partition)');
    }
    const out = r.stdout;
    const slurmId = Number(out.trim().split(';')[0]);
    if (!Number.isInteger(slurmId) || slurmId <= 0) throw new GflowError('internal', `sbatch printed no job id for job ${job.id}: ${out.trim()}`);
    return { pid: null, slurmId, node: null };
  }

  async inspect(job: StartedJob): Promise<Inspection> {
    const status = readStatus(this.paths.statusDir, job.id);
    if (status) return this.ended(job, status);
    let info: SlurmJobInfo | undefined;
    try {
      const snap = await this.queue.snapshot(250, this.submitted.get(job.id));
      info = job.slurmId != null ? snap.bySlurmId.get(job.slurmId) : snap.byJobId.get(job.id);
    } catch (err) {
      // Slurm does not answer: nothing is decided; the next look asks again.
      this.warn(`job ${job.id}: ${(err as Error).message}`);
      this.active.add(job.id);
      return { kind: 'running', pid: job.pid };
    }
    if (info && isActive(info.state)) {
      this.active.add(job.id);
      return { kind: 'running', pid: null, slurmId: info.slurmId, node: info.node };
    }
    // The wrapper may have written its status just now.
    const late = readStatus(this.paths.statusDir, job.id);
    if (late) return this.ended(job, late, info);
    this.done(job.id);
    if (!info) {
      const reason = job.slurmId == null ? 'lost: handed to Slurm, but Slurm has no job with its tag (not submitted)' : `lost: Slurm no longer knows job ${job.slurmId}`;
      return { kind: 'ended', outcome: { exit: null, serverLost: false, batch: job.stopRequest ? undefined : { state: 'failed', reason } } };
    }
    const batch = job.stopRequest ? undefined : (batchEnd(info) ?? { state: 'failed' as const, reason: `ended in Slurm as ${info.state} before the job ran (see ${path.join(this.paths.jobsDir, String(job.id), 'batch.out')})` });
    return { kind: 'ended', outcome: { exit: null, serverLost: false, batch } };
  }

  private async ended(job: StartedJob, exit: ExitStatus, seen?: SlurmJobInfo): Promise<Inspection> {
    await whenLogComplete(this.logPath(job));
    this.done(job.id);
    const outcome: Outcome = { exit, serverLost: false, where: this.whereItRan(job.id) };
    // Killed by a signal gflow did not send: Slurm says why (an admin's scancel, a node failure, its time limit).
    if (exit.signal && !job.stopRequest) {
      const info = seen && !isActive(seen.state) ? seen : await this.settled(job);
      const why = info && batchEnd(info);
      if (why) outcome.batch = why;
    }
    return { kind: 'ended', outcome };
  }

  // Slurm records a job's end a moment after the job's processes die.
  private async settled(job: StartedJob): Promise<SlurmJobInfo | undefined> {
    for (let i = 0; i < 30; i++) {
      const snap = await this.queue.snapshot(0).catch(() => undefined);
      const info = job.slurmId != null ? snap?.bySlurmId.get(job.slurmId) : snap?.byJobId.get(job.id);
      if (!info || !isActive(info.state)) return info;
      await new Promise((r) => setTimeout(r, 100));
    }
    return undefined;
  }

  // The Slurm job and node the batch script ran as, from what it wrote for the job (node-env.sh).
  private whereItRan(id: number): { slurmId?: number; node?: string } {
    let text: string;
    try {
      text = fs.readFileSync(path.join(this.paths.jobsDir, String(id), 'node-env.sh'), 'utf8');
    } catch {
      return {};
    }
    const node = /^declare -x SLURMD_NODENAME="([^"\n]*)"$/m.exec(text)?.[1];
    const slurmId = /^declare -x SLURM_JOB_ID="(\d+)"$/m.exec(text)?.[1];
    return { ...(node !== undefined && { node }), ...(slurmId !== undefined && { slurmId: Number(slurmId) }) };
  }

  private done(id: number): void {
    this.active.delete(id);
    this.submitted.delete(id);
    // The spec holds the submitter's environment: no copy outlives the job.
    fs.rmSync(path.join(this.paths.jobsDir, String(id), 'spec.sh'), { force: true });
  }

  private async slurmIdOf(job: StartedJob): Promise<number | undefined> {
    if (job.slurmId != null) return job.slurmId;
    return (await this.queue.snapshot(0)).byJobId.get(job.id)?.slurmId;
  }

  private async over(job: StartedJob, slurmId: number): Promise<boolean> {
    if (readStatus(this.paths.statusDir, job.id)) return true;
    const info = (await this.queue.snapshot(0)).bySlurmId.get(slurmId);
    return !info || !isActive(info.state);
  }

  private async until(pred: () => Promise<boolean>, ms: number): Promise<boolean> {
    const end = Date.now() + ms;
    for (;;) {
      if (await pred()) return true;
      if (Date.now() >= end) return false;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(job: StartedJob, o: StopOptions): Promise<void> {
    const slurmId = await this.slurmIdOf(job);
    if (slurmId === undefined) return;
    const info = (await this.queue.snapshot(0)).bySlurmId.get(slurmId);
    if (info && info.state === 'PENDING') {
      await slurmOk('scancel', [String(slurmId)], `cannot cancel Slurm job ${slurmId}`);
    } else {
      // Politely: SIGTERM to the batch script, which hands it to the wrapper and so to the job.
      await runSlurm('scancel', ['--batch', '--signal=TERM', String(slurmId)]);
      if (await this.until(() => this.over(job, slurmId), o.graceMs)) return;
      o.onEscalate();
      await runSlurm('scancel', [String(slurmId)]);
    }
    await this.until(() => this.over(job, slurmId), 60_000);
  }

  async signal(job: StartedJob, sig: NodeJS.Signals): Promise<number> {
    const slurmId = await this.slurmIdOf(job);
    if (slurmId === undefined) return 0;
    const r = await runSlurm('scancel', ['--batch', `--signal=${sig.replace(/^SIG/, '')}`, String(slurmId)]);
    return r.code === 0 ? 1 : 0;
  }

  async sendKeys(job: StartedJob): Promise<void> {
    throw new GflowError('conflict', `job ${job.id} runs on a Slurm node`, `attach to it instead: gflow attach ${job.id}`);
  }

  async archiveLog(job: OwnedJob, attempt: number): Promise<string | null> {
    const from = this.logPath(job);
    const to = from.replace(/\.log$/, `.${attempt}.log`);
    try {
      fs.renameSync(from, to);
      return to;
    } catch {
      return null;
    }
  }

  async purge(jobs: readonly PurgedJob[]): Promise<void> {
    await removeAll(jobs.flatMap((j) => jobFiles(j, this.paths)), 'files');
    await removeAll(jobs.flatMap((j) => jobDir(j, this.paths) ?? []), 'dirs');
  }

  // The job's tmux server on the node ends with its Slurm job: nothing to remove here.
  async dispose(): Promise<boolean> {
    return false;
  }

  async forget(job: StartedJob): Promise<void> {
    fs.rmSync(statusFile(this.paths.statusDir, job.id), { force: true });
  }

  keepScript(job: OwnedJob, text: string): string {
    const dir = path.join(this.paths.jobsDir, String(job.id));
    ensureDir(dir, 0o700);
    const file = path.join(dir, 'script');
    writeFresh(file, text, 0o700);
    return file;
  }

  async cluster(): Promise<SlurmClusterInfo> {
    const { partition } = this.defaults;
    const r = await runSlurm('sinfo', ['-h', '-N', ...(partition ? ['-p', partition] : []), '-o', SINFO_FORMAT]);
    if (r.code !== 0) return { partition, nodes: [], error: (r.stderr || r.stdout).trim() || `sinfo exit ${r.code}` };
    return { partition, nodes: parseSinfo(r.stdout), error: null };
  }

  tokenOf(): string | undefined {
    return undefined;
  }

  refusal(job: Pick<JobRecord, 'gpuShared' | 'gpuMemoryMb'>): Error | undefined {
    return refusal(job);
  }

  logPath(job: OwnedJob): string {
    return logFile(jobDirs(this.paths, job.uid ?? MY_UID).logsDir, job.id);
  }

  async close(): Promise<void> {
    this.watcher?.close();
    this.queue.close();
  }
}
