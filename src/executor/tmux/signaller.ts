// How signals reach a job's processes. The daemon's own jobs (personal mode, root's jobs): by
// kill(2) from the daemon, each process's start time checked right before. Another user's job
// (shared mode): by kill(1) run as that user (setpriv), so the kernel allows only what the user
// could do alone: not even a pid taken by someone else's process between the check and the
// signal can make root signal it.
import { runAs, type RunAs } from '../../tmux/tmux.js';
import { readStat, type ProcessIdentity } from '../proc.js';

const KILL_TIMEOUT_MS = 5000;

export type Signaller = (procs: readonly ProcessIdentity[], sig: NodeJS.Signals) => Promise<void>;

export function signallerFor(as: RunAs | undefined): Signaller {
  if (!as) return ownSignaller;
  return async (procs, sig) => {
    if (procs.length === 0) return;
    // kill(1) goes on past a process that is gone (and exits 1 then): nothing to report. The
    // user could stop it (it is theirs): a stop or a daemon's shutdown waits for it 5 s at most.
    await runAs(as, ['/bin/kill', '-s', sig.replace(/^SIG/, ''), '--', ...procs.map((p) => String(p.pid))], { groups: false, timeoutMs: KILL_TIMEOUT_MS });
  };
}

async function ownSignaller(procs: readonly ProcessIdentity[], sig: NodeJS.Signals): Promise<void> {
  for (const p of procs) {
    if (readStat(p.pid)?.startTime !== p.startTime) continue;
    try {
      process.kill(p.pid, sig);
    } catch {
      // already gone
    }
  }
}
