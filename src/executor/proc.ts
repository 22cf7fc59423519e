// Reading processes from /proc: what `ps` would say, without spawning it.
import fs from 'node:fs';

export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  /** clock ticks after boot at which the process started: with the pid, a unique identity */
  startTime: string;
}

// /proc/<pid>/stat is "pid (comm) state ppid pgrp session …". comm may hold spaces and
// parentheses, so the fields start after the *last* ')'.
export function parseStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const rest = text.slice(close + 1).trim().split(/\s+/);
  const [state, ppid, pgrp, session] = rest;
  if (!Number.isInteger(pid) || state === undefined || session === undefined) return undefined;
  // Field 22 (starttime) is the 20th after the comm.
  const startTime = rest[19] ?? '';
  return { pid, comm: text.slice(open + 1, close), state, ppid: Number(ppid), pgrp: Number(pgrp), session: Number(session), startTime };
}

export function readStat(pid: number): ProcStat | undefined {
  try {
    return parseStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Alive means present and not a zombie (an orphan can stay a zombie for a while). */
export function isAlive(pid: number): boolean {
  const s = readStat(pid);
  return s !== undefined && s.state !== 'Z' && s.state !== 'X';
}

export function readCmdline(pid: number): string[] {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
  } catch {
    return [];
  }
}

function readEnviron(pid: number): string[] {
  try {
    return fs.readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
  } catch {
    return [];
  }
}

export function listProcesses(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) out.push(s);
  }
  return out;
}

/** All descendants of `root` (not root itself), by walking parent links. */
export function descendantsOf(root: number, procs: ProcStat[] = listProcesses()): ProcStat[] {
  const children = new Map<number, ProcStat[]>();
  for (const p of procs) {
    const list = children.get(p.ppid);
    if (list) list.push(p);
    else children.set(p.ppid, [p]);
  }
  const out: ProcStat[] = [];
  const stack = [root];
  while (stack.length) {
    for (const child of children.get(stack.pop()!) ?? []) {
      out.push(child);
      stack.push(child.pid);
    }
  }
  return out;
}

/** Processes whose environment holds `NAME=value` (marks all processes of one job). */
export function withEnvMarker(marker: string, procs: ProcStat[] = listProcesses()): ProcStat[] {
  return procs.filter((p) => p.pid !== process.pid && readEnviron(p.pid).includes(marker));
}

/** One variable of a process's environment (undefined: not set, gone, or not ours to read). */
export function readEnvironVar(pid: number, name: string): string | undefined {
  const prefix = `${name}=`;
  return readEnviron(pid).find((kv) => kv.startsWith(prefix))?.slice(prefix.length);
}

/** `pid starttime`: names a process so that a later one with the same pid is not taken for it. */
export function processMark(pid: number = process.pid): string {
  return `${pid} ${readStat(pid)?.startTime ?? ''}`;
}

/** The live process a mark names (a mark without a start time: any live process of that pid). */
export function markedProcess(mark: string): number | undefined {
  const [pid, start] = mark.trim().split(' ');
  const n = Number(pid);
  if (!Number.isInteger(n) || n <= 0 || !isAlive(n)) return undefined;
  return !start || readStat(n)?.startTime === start ? n : undefined;
}

/** The real and saved UIDs of a process (undefined: gone). */
export function processUids(pid: number): { real: number; saved: number } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  // "Uid:\treal\teffective\tsaved\tfilesystem"
  const m = /^Uid:\s+(\d+)\s+\d+\s+(\d+)/m.exec(text);
  return m ? { real: Number(m[1]), saved: Number(m[2]) } : undefined;
}

/**
 * Whether `uid`, on its own, may signal the process: kill(2) lets an unprivileged sender signal
 * a process whose real or saved UID is its own (a setuid program the user started included);
 * root may signal anything.
 */
export function signallableBy(pid: number, uid: number): boolean {
  if (uid === 0) return true;
  const ids = processUids(pid);
  return ids !== undefined && (ids.real === uid || ids.saved === uid);
}

/**
 * The kernel's id of this boot of the machine (null where it does not say). A pid and a start
 * time (ticks after boot) name a process within one boot only: after a reboot both count from
 * scratch, and the same pair can name another process. Read once: it cannot change while a
 * process lives.
 * Fault injection for tests: GFLOW_TEST_BOOT_ID_FILE names the file it is read from instead of
 * the kernel's, so that a test can simulate a reboot by changing it between two daemons.
 */
export function bootId(): string | null {
  if (boot === undefined) {
    try {
      boot = fs.readFileSync(process.env.GFLOW_TEST_BOOT_ID_FILE || '/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      boot = null;
    }
  }
  return boot;
}
let boot: string | null | undefined;

/** Whether something recorded in boot `id` belongs to an earlier boot (unknown: not). */
export function ofEarlierBoot(id: string | null | undefined): boolean {
  const now = bootId();
  return !!id && now !== null && id !== now;
}

/** A process as known when it was found: a pid is that process only while its start time is the same. */
export interface ProcessIdentity {
  pid: number;
  startTime: string;
  /** the boot it was found in (absent: this one); a process of an earlier boot is gone */
  bootId?: string | null;
}

/**
 * What became of a process known by its identity: still it (`same`), ended (`gone`), or ended
 * with its pid now taken by another process, or by one `owner` could not signal (`replaced`).
 */
export function processFate(id: ProcessIdentity, owner: number): 'same' | 'gone' | 'replaced' {
  // Whatever has its pid now is of this boot: never it.
  if (ofEarlierBoot(id.bootId)) return 'gone';
  const s = readStat(id.pid);
  if (!s) return 'gone';
  if (s.startTime !== id.startTime || !signallableBy(id.pid, owner)) return 'replaced';
  return s.state === 'Z' || s.state === 'X' ? 'gone' : 'same';
}
