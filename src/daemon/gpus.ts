// What the daemon knows about GPUs: the inventory from nvidia-smi (refreshed periodically and
// right before an allocation), which GPUs gflow may use, and which processes on them are
// foreign (not started by gflow) or ignored. Allowed GPUs and ignored processes live in the
// database, so they survive restarts and reloads.
import fs from 'node:fs';
import type { GpuSlot } from '../core/plan.js';
import { queryGpus, type GpuInventory } from '../executor/nvidia-smi.js';
import { TOKEN_VAR } from '../executor/terminate.js';
import type { GpuInfo } from '../protocol/api.js';
import type { JobStore, SlimRow } from '../store/jobs.js';
import type { Logger } from './logger.js';


const ALLOWED_KEY = 'allowed_gpus';
const IGNORED_KEY = 'ignored_gpu_pids';

export class Gpus {
  private inventory: GpuInventory = { devices: [], processes: [], error: 'not read yet' };
  private lastError: string | null | undefined;
  private timer: NodeJS.Timeout | null = null;
  private lastSignature = '';
  private refreshing: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly store: JobStore,
    private readonly log: Logger,
    /** from `gflowd up --gpus`, GFLOW_GPUS or the config file; null = all */
    private readonly configured: number[] | null,
    readonly strategy: 'sequential' | 'random',
    /** called when GPU availability changed (a foreign process went away, say) */
    private readonly onChange: () => void,
  ) {}

  async start(refreshMs = 10_000): Promise<void> {
    await this.refresh();
    const tick = (): void => {
      if (this.stopped) return;
      // Without nvidia-smi there is nothing to watch closely: look again once a minute.
      this.timer = setTimeout(() => void this.refresh().then(tick), this.inventory.error?.includes('ENOENT') ? 60_000 : refreshMs);
    };
    tick();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stopped = true;
  }

  get error(): string | null {
    return this.inventory.error;
  }

  get count(): number {
    return this.inventory.devices.length;
  }

  /** Reads nvidia-smi again; callers at the same moment share one read. */
  refresh(): Promise<void> {
    this.refreshing ??= this.read().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async read(): Promise<void> {
    this.inventory = await queryGpus();
    if (this.inventory.error !== this.lastError) {
      if (this.inventory.error) this.log.warn(`no GPUs: nvidia-smi: ${this.inventory.error}; scheduling by CPU only`);
      else this.log.info(`GPUs: ${this.inventory.devices.map((d) => `${d.index} ${d.name} ${d.memoryTotalMb} MiB`).join('; ') || 'none'}`);
      this.lastError = this.inventory.error;
    }
    const signature = JSON.stringify(this.inventory.processes.map((p) => [p.uuid, p.pid]));
    if (signature !== this.lastSignature) {
      this.lastSignature = signature;
      this.onChange();
    }
  }

  allowed(): number[] | null {
    const stored = this.store.getSetting<number[] | null>(ALLOWED_KEY);
    return stored === undefined ? this.configured : stored;
  }

  setAllowed(indices: number[] | null): void {
    this.store.setSetting(ALLOWED_KEY, indices);
  }

  ignored(): [number, number][] {
    return this.store.getSetting<[number, number][]>(IGNORED_KEY) ?? [];
  }

  setIgnored(index: number, pid: number, ignore: boolean): void {
    const rest = this.ignored().filter(([i, p]) => !(i === index && p === pid));
    this.store.setSetting(IGNORED_KEY, ignore ? [...rest, [index, pid]] : rest);
  }

  /** Per GPU: its jobs and its foreign processes. */
  describe(running: SlimRow[]): GpuInfo[] {
    const allowed = this.allowed();
    const ignored = this.ignored();
    const tokens = new Map(running.map((r) => [r.token, r.id]));
    return this.inventory.devices.map((d) => {
      const jobs = running.filter((r) => r.gpu_ids && (JSON.parse(r.gpu_ids) as number[]).includes(d.index)).map((r) => r.id);
      const foreign = this.inventory.processes
        .filter((p) => p.uuid === d.uuid && ownerToken(p.pid, tokens) === undefined)
        .map((p) => ({ pid: p.pid, usedMb: p.usedMb, ignored: ignored.some(([i, pid]) => i === d.index && pid === p.pid) }));
      return {
        ...d,
        allowed: allowed === null || allowed.includes(d.index),
        jobs,
        foreign,
      };
    });
  }

  /** What the planner needs: which GPUs are usable and how they are taken. */
  slots(running: SlimRow[]): GpuSlot[] {
    return this.describe(running).map((g) => {
      const onIt = running.filter((r) => g.jobs.includes(r.id));
      return {
        index: g.index,
        memoryTotalMb: g.memoryTotalMb,
        usable: g.allowed && g.foreign.every((f) => f.ignored),
        exclusive: onIt.some((r) => r.gpu_shared === 0),
        sharedMb: onIt.filter((r) => r.gpu_shared === 1).reduce((sum, r) => sum + (r.gpu_memory_mb ?? 0), 0),
        sharedJobs: onIt.filter((r) => r.gpu_shared === 1).length,
      };
    });
  }
}

// The job a process belongs to, from the token in its environment (undefined: foreign).
function ownerToken(pid: number, tokens: Map<string, number>): number | undefined {
  let env: string;
  try {
    env = fs.readFileSync(`/proc/${pid}/environ`, 'latin1');
  } catch {
    return undefined; // another user's process, or gone
  }
  const m = new RegExp(`(?:^|\\0)${TOKEN_VAR}=([0-9a-f]+)`).exec(env);
  return m ? (tokens.get(m[1]!) ?? -1) : undefined;
}
