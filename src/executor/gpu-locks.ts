// No GPU is handed out twice, even by two daemons (two users' personal daemons, or a personal
// and the shared one): a lock (flock) on a per-GPU file is held for a job's whole life, taken
// before the job runs; a job that cannot take it is not started. The locks live in one
// directory for the whole machine; the kernel's list of locks (/proc/locks) tells a daemon
// which GPUs another daemon's jobs hold.
//
// Who may lock. A lock only means something if nobody but gflow can take it: a user who could
// open a lock file could flock it by hand and block every user's GPU jobs, and a user who could
// write the directory could put a FIFO (a job hangs opening it) or a link (the job runs without
// a lock) at a lock's path. So where root runs gflow (the shared daemon), the directory is
// root's (0755) and each lock file a root-only regular file (0600): no user can open one at all.
// The locks of a user's job are then taken by root, by a holder process started for the job
// (src/executor/gpu-hold.ts), not by the job's wrapper (which runs as the user). Personal
// daemons (no root anywhere) share a 1777 directory as before, where every user can interfere;
// next to a root directory a personal daemon takes no locks (it cannot open root's files) but
// still sees the shared daemon's, and `gflowd doctor` says so.
import fs from 'node:fs';
import path from 'node:path';

export const DEFAULT_GPU_LOCK_DIR = '/tmp/gflow-gpu-locks';
const AS_ROOT = process.getuid?.() === 0;
const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK } = fs.constants;

export function gpuLockDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.GFLOW_GPU_LOCK_DIR || DEFAULT_GPU_LOCK_DIR;
}

/** The lock file of a GPU, by its UUID (indices differ between containers and drivers). */
export function gpuLockFile(dir: string, uuid: string): string {
  return path.join(dir, `${uuid.replace(/[^A-Za-z0-9_-]/g, '_')}.lock`);
}

/** Whether the directory is root's own (0755): its locks are root-only (see above). */
export function rootLockDir(dir: string): boolean {
  const st = fs.lstatSync(dir, { throwIfNoEntry: false });
  return !!st && st.isDirectory() && st.uid === 0 && (st.mode & 0o7777) === 0o755;
}

/**
 * Prepares the lock directory; returns whether this daemon can take locks there. Root makes it
 * root's (whatever a user put at its place first, /tmp being cleared at boot, is removed); a
 * personal daemon creates it for everyone when there is none (like /tmp: anyone may create,
 * nobody may remove another's), and cannot lock in root's.
 */
export function ensureGpuLockDir(dir: string): boolean {
  if (!AS_ROOT) {
    try {
      fs.mkdirSync(dir, { mode: 0o1777 });
      fs.chmodSync(dir, 0o1777);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    return !rootLockDir(dir);
  }
  for (let tries = 0; !rootLockDir(dir); tries++) {
    if (tries === 3) throw new Error(`${dir} keeps being replaced by someone else`);
    const st = fs.lstatSync(dir, { throwIfNoEntry: false });
    if (st?.isDirectory() && st.uid === 0) {
      // An older gflow's 1777 directory: its files are replaced as they are used.
      fs.chmodSync(dir, 0o755);
      continue;
    }
    // Not root's (a user's directory, a link, a FIFO): removed, never followed.
    if (st) fs.rmSync(dir, { recursive: true, force: true });
    try {
      fs.mkdirSync(dir, { mode: 0o755 });
      fs.chmodSync(dir, 0o755);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return true;
}

/**
 * Root: makes `file` a root-only regular file (in root's directory nobody else can change it
 * afterwards). Anything else at its place, or a file an older gflow made for everyone, is
 * replaced; nothing is followed and nothing blocks (a FIFO).
 */
export function ensureGpuLockFile(file: string): void {
  try {
    const fd = fs.openSync(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    try {
      const st = fs.fstatSync(fd);
      if (st.isFile() && st.uid === 0 && (st.mode & 0o7777) === 0o600 && st.nlink === 1) return;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // missing, a link, or not openable: made anew
  }
  fs.rmSync(file, { recursive: true, force: true });
  fs.closeSync(fs.openSync(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600));
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
    const st = fs.lstatSync(file, { throwIfNoEntry: false });
    if (!st?.isFile()) continue; // never created (never locked), or not a lock file
    // glibc's dev_t: major in bits 8-19 (and 32+), minor in bits 0-7 (and 20-31).
    const major = Math.floor(st.dev / 256) & 0xfff;
    const minor = (st.dev & 0xff) | (Math.floor(st.dev / 4096) & ~0xff & 0xfff00);
    const hit = locks.find((l) => l.ino === st.ino && l.major === major && l.minor === minor);
    if (hit) held.set(file, hit.pid);
  }
  return held;
}
