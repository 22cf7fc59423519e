// Fair share, after Slurm's multifactor plugin: among waiting jobs of equal priority, the jobs
// of users who used less of the machine lately go first.
//
//   usage(user, now) = cpuHours(now) + gpuWeight × gpuHours(now)
//   hours(now)       = Σ over the user's jobs of  hours_j × 2^(−(now − end_j) / halfLife)
//
// where hours_j is a job's CPU slots (or GPUs) × the hours it ran, and end_j the time it ended;
// a running job counts the hours it has run so far, undecayed. The store keeps, per user, the
// decayed sums and the time they were decayed to (one row, updated when a job ends), so the
// sum over old jobs never has to be read again: decaying a sum decays each of its terms.

export interface FairShareSettings {
  halfLifeHours: number;
  /** how many CPU-hours one GPU-hour counts as */
  gpuWeight: number;
}

/** A user's decayed CPU- and GPU-hours, as of `at` (ms since the epoch). */
export interface UsageRecord {
  user: string;
  cpuHours: number;
  gpuHours: number;
  at: number;
  /** jobs that ended and were counted, ever */
  jobs: number;
}

export interface RunningUse {
  user: string;
  cpus: number;
  gpus: number;
  startedAt: number | null;
}

export interface UserUsage {
  user: string;
  cpuHours: number;
  gpuHours: number;
  /** cpuHours + gpuWeight × gpuHours: what the order compares */
  usage: number;
}

const HOUR_MS = 3_600_000;

/** The factor a value recorded at `from` keeps at `to`. */
export function decayFactor(from: number, to: number, halfLifeHours: number): number {
  return to <= from ? 1 : 2 ** (-(to - from) / (halfLifeHours * HOUR_MS));
}

/** The hours a job used from its start until `until`. */
export function jobHours(job: { cpus: number; gpus: number; startedAt: number | null }, until: number): { cpuHours: number; gpuHours: number } {
  const hours = job.startedAt === null ? 0 : Math.max(0, until - job.startedAt) / HOUR_MS;
  return { cpuHours: job.cpus * hours, gpuHours: job.gpus * hours };
}

/** A record decayed to `now` with a job's hours added: what is stored when that job ends. */
export function charge(rec: UsageRecord | undefined, user: string, hours: { cpuHours: number; gpuHours: number }, now: number, halfLifeHours: number): UsageRecord {
  const f = rec ? decayFactor(rec.at, now, halfLifeHours) : 0;
  return {
    user,
    cpuHours: (rec?.cpuHours ?? 0) * f + hours.cpuHours,
    gpuHours: (rec?.gpuHours ?? 0) * f + hours.gpuHours,
    at: Math.max(now, rec?.at ?? now),
    jobs: (rec?.jobs ?? 0) + 1,
  };
}

/** Every user's usage now: their stored record decayed to `now`, plus their running jobs so far. */
export function usageNow(records: readonly UsageRecord[], running: readonly RunningUse[], now: number, s: FairShareSettings): Map<string, UserUsage> {
  const out = new Map<string, UserUsage>();
  const entry = (user: string): UserUsage => {
    let u = out.get(user);
    if (!u) out.set(user, (u = { user, cpuHours: 0, gpuHours: 0, usage: 0 }));
    return u;
  };
  for (const r of records) {
    const f = decayFactor(r.at, now, s.halfLifeHours);
    const u = entry(r.user);
    u.cpuHours += r.cpuHours * f;
    u.gpuHours += r.gpuHours * f;
  }
  for (const j of running) {
    const h = jobHours(j, now);
    const u = entry(j.user);
    u.cpuHours += h.cpuHours;
    u.gpuHours += h.gpuHours;
  }
  for (const u of out.values()) u.usage = u.cpuHours + s.gpuWeight * u.gpuHours;
  return out;
}

/**
 * The queue's order: priority (higher first), then the owner's usage (lower first), then
 * submission (id). Users without usage count as 0.
 */
export function fairSorted<T extends { priority: number; id: number; user?: string }>(jobs: readonly T[], usage: ReadonlyMap<string, number>): T[] {
  if (!byId(jobs)) return sortedByKeys(jobs, usage);
  // The queue comes in id order (src/daemon/scheduler/queue-view.ts): jobs of equal priority
  // and usage keep it, so only the few (priority, usage) classes need sorting — a pass over
  // 100,000 queued jobs does no comparison sort of them.
  const classes = new Map<number, Map<number, T[]>>();
  for (const j of jobs) {
    const used = usage.get(j.user ?? '') ?? 0;
    let byUse = classes.get(j.priority);
    if (!byUse) classes.set(j.priority, (byUse = new Map()));
    let list = byUse.get(used);
    if (!list) byUse.set(used, (list = []));
    list.push(j);
  }
  const out: T[] = [];
  for (const priority of [...classes.keys()].sort((a, b) => b - a)) {
    const byUse = classes.get(priority)!;
    for (const used of [...byUse.keys()].sort((a, b) => a - b)) for (const j of byUse.get(used)!) out.push(j);
  }
  return out;
}

function byId(jobs: readonly { id: number }[]): boolean {
  for (let i = 1; i < jobs.length; i++) if (jobs[i]!.id < jobs[i - 1]!.id) return false;
  return true;
}

// Keys in typed arrays, each user's usage looked up once.
function sortedByKeys<T extends { priority: number; id: number; user?: string }>(jobs: readonly T[], usage: ReadonlyMap<string, number>): T[] {
  const n = jobs.length;
  const priority = new Float64Array(n);
  const used = new Float64Array(n);
  const id = new Float64Array(n);
  jobs.forEach((j, i) => {
    priority[i] = j.priority;
    used[i] = usage.get(j.user ?? '') ?? 0;
    id[i] = j.id;
  });
  const order = new Uint32Array(n).map((_, i) => i);
  order.sort((a, b) => priority[b]! - priority[a]! || used[a]! - used[b]! || id[a]! - id[b]!);
  return Array.from(order, (i) => jobs[i]!);
}
