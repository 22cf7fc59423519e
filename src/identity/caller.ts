// Who made a request, as the kernel says (src/identity/peer-uid.ts), and what they may do.
import { GflowError } from '../protocol/errors.js';

export interface Caller {
  uid: number;
  /** the account name (as `gflow queue` shows it) */
  user: string;
  /** root, or the daemon's owner in personal mode: may act on every job and change settings */
  admin: boolean;
}

/** Only a job's owner or an admin may change it. */
export function assertOwner(caller: Caller, job: { id: number; uid: number | null; user: string }): void {
  const owner = job.uid !== null ? job.uid === caller.uid : job.user === caller.user;
  if (owner || caller.admin) return;
  throw new GflowError('forbidden', `job ${job.id} belongs to ${job.user}`, 'only its owner or root can change it');
}

/** Machine settings (GPUs, quotas, reservations) are root's. */
export function assertAdmin(caller: Caller, what: string): void {
  if (caller.admin) return;
  throw new GflowError('forbidden', `only root can ${what}`, 'ask the machine\'s administrator (sudo gflow …)');
}
