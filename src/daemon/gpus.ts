// What the daemon knows about GPUs: the inventory from nvidia-smi (refreshed periodically and
// right before an allocation), which GPUs gflow may use (the `gpus` setting), and which
// processes on them block them. A GPU is busy when any process on it is not one of its
// current holders' — a process gflow did not start, a leftover of an ended job, or a job's
// process on a GPU that job was not given — unless an admin chose to ignore that process.
import fs from 'node:fs';
import type { GpuSlot } from '../core/plan.js';
import type { Executor } from '../executor/executor.js';
import { queryGpus, type GpuInventory } from '../executor/nvidia-smi.js';
import { ensureGpuLockDir, ensureGpuLockFile, gpuLockFile, lockHolders } from '../executor/gpu-locks.js';
import { readStat } from '../executor/proc.js';
import type { GpuInfo } from '../protocol/api.js';
import { GflowError } from '../protocol/errors.js';
import type { SlimJob } from '../store/jobs.js';
import type { SettingsStore } from '../store/settings.js';
import type { Logger } from './logger.js';
import type { GpuView } from './scheduler/planning.js';

const IGNORED_KEY = 'ignored_gpu_processes';
const AS_ROOT = process.getuid?.() === 0;

/** A process an admin chose to ignore, tied to its start time: a reused PID is not ignored. */
interface IgnoredProcess {
  index: number;
  pid: number;
  startTime: string;
}

export interface GpusOptions {
  /** the machine's GPU lock directory (src/executor/gpu-locks.ts) */
  lockDir: string;
  settings: SettingsStore;
  executor: Pick<Executor, 'tokenOf'>;
  /** the job a token belongs to (also an ended one) */
  jobOfToken: (token: string) => number | undefined;
  log: Logger;
  /** the `gpus` setting: null = all */
  allowed: number[] | null;
  strategy: 'sequential' | 'random';
  /** called when GPU availability changed (a foreign process went away, say) */
  onChange: () => void;
}

export class Gpus implements GpuView {
  private inventory: GpuInventory = { devices: [], processes: [], error: 'not read yet' };
  private lastError: string | null | undefined;
  private timer: NodeJS.Timeout | null = null;
  private lastSignature = '';
  private refreshing: Promise<void> | null = null;
  private stopped = false;
  private allowedList: number[] | null;
  private lockWatcher: fs.FSWatcher | null = null;
  private locksUsable = false;
  private locks = new Map<string, number>();

  constructor(private readonly o: GpusOptions) {
    this.allowedList = o.allowed;
  }

  get strategy(): 'sequential' | 'random' {
    return this.o.strategy;
  }

  async start(refreshMs = 10_000): Promise<void> {
    try {
      this.locksUsable = ensureGpuLockDir(this.o.lockDir);
      if (!this.locksUsable) this.o.log.warn(`GPU locks in ${this.o.lockDir} are root's (a shared daemon's): this daemon's jobs take none; their GPU use is seen by nvidia-smi only`);
      // A job of any daemon lets go of its GPUs by touching their lock files: look again.
      this.lockWatcher = fs.watch(this.o.lockDir, () => {
        this.readLocks();
        this.o.onChange();
      });
      this.lockWatcher.on('error', (err) => this.o.log.warn(`GPU lock watcher: ${err.message}`));
    } catch (err) {
      this.o.log.warn(`GPU locks in ${this.o.lockDir} are not usable (${(err as Error).message}): another daemon could hand out the same GPU`);
    }
    await this.refresh();
    const tick = (): void => {
      if (this.stopped) return;
      // Without nvidia-smi there is nothing to watch closely: look again once a minute.
      this.timer = setTimeout(() => void this.refresh().then(tick), this.inventory.error?.includes('ENOENT') ? 60_000 : refreshMs);
    };
    tick();
  }

  stop(): void {
    this.lockWatcher?.close();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stopped = true;
  }

  get error(): string | null {
    return this.inventory.error;
  }

  /** Reads nvidia-smi again; callers at the same moment share one read. */
  refresh(): Promise<void> {
    this.refreshing ??= this.read().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  // The kernel's lock list is read with the inventory (every refresh, and right before GPUs are
  // handed out) and when a lock file is touched, not on every pass: it can be long.
  private readLocks(): void {
    this.locks = lockHolders(this.inventory.devices.map((d) => gpuLockFile(this.o.lockDir, d.uuid)));
  }

  private async read(): Promise<void> {
    this.inventory = await queryGpus();
    this.readLocks();
    if (this.inventory.error !== this.lastError) {
      if (this.inventory.error) this.o.log.warn(`no GPUs: nvidia-smi: ${this.inventory.error}; scheduling by CPU only`);
      else this.o.log.info(`GPUs: ${this.inventory.devices.map((d) => `${d.index} ${d.name} ${d.memoryTotalMb} MiB`).join('; ') || 'none'}`);
      this.lastError = this.inventory.error;
    }
    const signature = JSON.stringify(this.inventory.processes.map((p) => [p.uuid, p.pid]));
    if (signature !== this.lastSignature) {
      this.lastSignature = signature;
      this.o.onChange();
    }
  }

  allowed(): number[] | null {
    return this.allowedList;
  }

  setAllowed(indices: number[] | null): void {
    this.allowedList = indices;
  }

  ignored(): IgnoredProcess[] {
    return this.o.settings.get<IgnoredProcess[]>(IGNORED_KEY) ?? [];
  }

  setIgnored(index: number, pid: number, ignore: boolean): IgnoredProcess[] {
    const rest = this.ignored().filter((p) => !(p.index === index && p.pid === pid));
    if (!ignore) {
      this.o.settings.set(IGNORED_KEY, rest);
      return rest;
    }
    const startTime = readStat(pid)?.startTime;
    if (startTime === undefined) throw new GflowError('not_found', `no process ${pid} is running`, 'see `gflow info` for the processes on each GPU');
    const next = [...rest, { index, pid, startTime }];
    this.o.settings.set(IGNORED_KEY, next);
    return next;
  }

  private isIgnored(index: number, pid: number, ignored: IgnoredProcess[]): boolean {
    return ignored.some((p) => p.index === index && p.pid === pid && readStat(pid)?.startTime === p.startTime);
  }

  /** The lock files a job holds while it runs on these GPUs. */
  lockFiles(indices: readonly number[]): string[] {
    if (!this.locksUsable) return [];
    return indices.flatMap((i) => {
      const d = this.inventory.devices.find((x) => x.index === i);
      if (!d) return [];
      const file = gpuLockFile(this.o.lockDir, d.uuid);
      if (!AS_ROOT) return [file];
      try {
        ensureGpuLockFile(file);
        return [file];
      } catch (err) {
        this.o.log.warn(`GPU lock ${file}: ${(err as Error).message}; the job runs without it`);
        return [];
      }
    });
  }

  /** Per GPU: the jobs holding it and the processes that block it. */
  describe(running: readonly SlimJob[]): GpuInfo[] {
    const allowed = this.allowedList;
    const ignored = this.ignored();
    const byToken = new Map(running.map((r) => [r.token, r]));
    const locks = this.locks;
    return this.inventory.devices.map((d) => {
      const on = running.filter((r) => r.gpuIds?.includes(d.index));
      const jobs = on.map((r) => r.id);
      // Locked while none of this daemon's jobs holds it: another daemon's job (or what is
      // left of an ended job) has it.
      const locker = locks.get(gpuLockFile(this.o.lockDir, d.uuid));
      const lockedElsewhere = locker !== undefined && jobs.length === 0 ? [{ pid: locker, usedMb: 0, ignored: false, job: null, lock: true }] : [];
      const foreign = this.inventory.processes
        .filter((p) => p.uuid === d.uuid)
        .flatMap((p) => {
          const token = this.o.executor.tokenOf(p.pid);
          const job = token === undefined ? undefined : byToken.get(token);
          if (job?.gpuIds?.includes(d.index)) return []; // a holder's own process
          const owner = job?.id ?? (token === undefined ? null : (this.o.jobOfToken(token) ?? null));
          return [{ pid: p.pid, usedMb: p.usedMb, ignored: this.isIgnored(d.index, p.pid, ignored), job: owner }];
        });
      return { ...d, allowed: allowed === null || allowed.includes(d.index), jobs, holders: on.map((r) => ({ job: r.id, user: r.user })), foreign: [...foreign, ...lockedElsewhere] };
    });
  }

  /** What the planner needs: which GPUs are usable and how they are taken. */
  slots(running: readonly SlimJob[]): GpuSlot[] {
    return this.describe(running).map((g) => {
      const onIt = running.filter((r) => g.jobs.includes(r.id));
      const shared = onIt.filter((r) => r.gpuShared);
      return {
        index: g.index,
        memoryTotalMb: g.memoryTotalMb,
        usable: g.allowed && g.foreign.every((f) => f.ignored),
        exclusive: onIt.some((r) => !r.gpuShared),
        sharedMb: shared.reduce((sum, r) => sum + (r.gpuMemoryMb ?? 0), 0),
        sharedJobs: shared.length,
      };
    });
  }
}
