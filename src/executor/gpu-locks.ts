// No GPU is handed out twice, even by two daemons (two users' personal daemons, or a personal
// and the shared one): a job's wrapper holds a lock (flock) on a per-GPU file for the job's
// whole life, taken before the job runs; a job that cannot take it is not started. The
// locks live in one directory for the whole machine; the kernel's list of locks
// (/proc/locks) tells a daemon which GPUs another daemon's jobs hold.
import fs from 'node:fs';
import path from 'node:path';

export const DEFAULT_GPU_LOCK_DIR = '/tmp/gflow-gpu-locks';

export function gpuLockDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.GFLOW_GPU_LOCK_DIR || DEFAULT_GPU_LOCK_DIR;
}

/** The lock file of a GPU, by its UUID (indices differ between containers and drivers). */
export function gpuLockFile(dir: string, uuid: string): string {
  return path.join(dir, `${uuid.replace(/[^A-Za-z0-9_-]/g, '_')}.lock`);
}

/** Creates the lock directory for everyone (like /tmp: anyone may create, nobody may remove another's). */
export function ensureGpuLockDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { mode: 0o1777 });
    fs.chmodSync(dir, 0o1777);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

// /proc/locks: "1: FLOCK  ADVISORY  WRITE 1234 fe:00:2146977 0 EOF" (device as hex major:minor).
interface LockEntry {
  pid: number;
  ino: number;
  major: number;
  minor: number;
}

export function parseProcLocks(text: string): LockEntry[] {
  const out: LockEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[1] !== 'FLOCK' || f[2] === '->') continue;
    const dev = /^([0-9a-f]+):([0-9a-f]+):(\d+)$/.exec(f[5] ?? '');
    if (!dev) continue;
    out.push({ pid: Number(f[4]), major: parseInt(dev[1]!, 16), minor: parseInt(dev[2]!, 16), ino: Number(dev[3]) });
  }
  return out;
}

/** For each lock file that is locked now, the pid that took the lock. */
export function lockHolders(files: readonly string[]): Map<string, number> {
  const held = new Map<string, number>();
  if (files.length === 0) return held;
  let locks: LockEntry[];
  try {
    locks = parseProcLocks(fs.readFileSync('/proc/locks', 'utf8'));
  } catch {
    return held;
  }
  if (locks.length === 0) return held;
  for (const file of files) {
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      continue; // never created: never locked
    }
    // glibc's dev_t: major in bits 8-19 (and 32+), minor in bits 0-7 (and 20-31).
    const major = Math.floor(st.dev / 256) & 0xfff;
    const minor = (st.dev & 0xff) | (Math.floor(st.dev / 4096) & ~0xff & 0xfff00);
    const hit = locks.find((l) => l.ino === st.ino && l.major === major && l.minor === minor);
    if (hit) held.set(file, hit.pid);
  }
  return held;
}
