// Memory limits with cgroups, where the machine lets gflow create them (root, with cgroup v2's
// memory controller or v1's): a job with --mem runs in its own cgroup with that limit, the
// kernel kills it when it goes over, and its end says `out of memory`. Elsewhere --mem is only
// admitted against free memory (`gflowd doctor` says which).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Owner } from '../config/safe-file.js';

export interface MemoryCgroups {
  /** how limits are enforced, for `gflowd doctor` */
  readonly describe: string;
  readonly enforced: boolean;
  /** Creates the job's cgroup with its limit; returns the file the wrapper writes its pid to. */
  create(id: number, limitMb: number, owner?: Owner): string;
  /** Whether the kernel killed a process of the job's cgroup for memory. */
  oomKilled(id: number): boolean;
  /** Removes the job's cgroup (once none of its processes is left). */
  remove(id: number): void;
  /** Removes every job cgroup of this state directory that no process is in (test clean-up). */
  removeAll(): void;
}

const V2_ROOT = '/sys/fs/cgroup';
const V1_ROOT = '/sys/fs/cgroup/memory';

function readable(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function writable(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The cgroups of one state directory (two daemons never share a job's cgroup). */
export function memoryCgroups(stateDir: string): MemoryCgroups {
  const tag = crypto.createHash('sha256').update(stateDir).digest('hex').slice(0, 10);
  const v2 = readable(path.join(V2_ROOT, 'cgroup.controllers'))?.split(/\s+/).includes('memory');
  if (v2 && writable(V2_ROOT)) return new Cgroups('v2', path.join(V2_ROOT, 'gflow', tag));
  if (!v2 && readable(path.join(V1_ROOT, 'memory.limit_in_bytes')) !== undefined && writable(V1_ROOT)) return new Cgroups('v1', path.join(V1_ROOT, 'gflow', tag));
  return {
    describe: 'not enforced: gflow cannot create memory cgroups here (needs root and a memory controller); --mem is only admitted against free memory',
    enforced: false,
    create: () => '',
    oomKilled: () => false,
    remove: () => {},
    removeAll: () => {},
  };
}

class Cgroups implements MemoryCgroups {
  readonly enforced = true;

  constructor(
    private readonly version: 'v1' | 'v2',
    private readonly base: string,
  ) {}

  get describe(): string {
    return `enforced with cgroup ${this.version} (${this.base})`;
  }

  private dir(id: number): string {
    return path.join(this.base, `job-${id}`);
  }

  create(id: number, limitMb: number, owner?: Owner): string {
    if (this.version === 'v2') {
      // Each level must hand the memory controller to its children.
      for (const d of [path.dirname(this.base), this.base]) {
        fs.mkdirSync(d, { recursive: true });
        fs.writeFileSync(path.join(path.dirname(d), 'cgroup.subtree_control'), '+memory');
      }
      fs.writeFileSync(path.join(this.base, 'cgroup.subtree_control'), '+memory');
    }
    const dir = this.dir(id);
    fs.mkdirSync(dir, { recursive: true });
    const bytes = String(limitMb * 1024 * 1024);
    if (this.version === 'v2') {
      fs.writeFileSync(path.join(dir, 'memory.max'), bytes);
      fs.writeFileSync(path.join(dir, 'memory.swap.max'), '0');
    } else {
      fs.writeFileSync(path.join(dir, 'memory.limit_in_bytes'), bytes);
      // Without this the job could go on in swap; not every kernel accounts swap.
      const memsw = path.join(dir, 'memory.memsw.limit_in_bytes');
      if (fs.existsSync(memsw)) fs.writeFileSync(memsw, bytes);
    }
    const procs = path.join(dir, 'cgroup.procs');
    // The wrapper, running as the job's owner, moves itself in.
    if (owner) fs.chownSync(procs, owner.uid, owner.gid);
    return procs;
  }

  oomKilled(id: number): boolean {
    const file = path.join(this.dir(id), this.version === 'v2' ? 'memory.events' : 'memory.oom_control');
    const m = /^oom_kill (\d+)$/m.exec(readable(file) ?? '');
    return m !== null && Number(m[1]) > 0;
  }

  removeAll(): void {
    let names: string[] = [];
    try {
      names = fs.readdirSync(this.base).filter((n) => /^job-\d+$/.test(n));
    } catch {
      return;
    }
    for (const n of names) this.remove(Number(n.slice(4)));
  }

  remove(id: number): void {
    // Each fails while something is left in it (a process of the job, another job's cgroup).
    for (const d of [this.dir(id), this.base, path.dirname(this.base)]) {
      try {
        fs.rmdirSync(d);
      } catch {
        return;
      }
    }
  }
}
