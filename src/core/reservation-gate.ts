// What active reservations allow a user's job during a scheduling pass: pinned GPUs only to
// their user; for counted reservations, enough idle GPUs left over for their users.
import type { Load } from './load.js';
import { isActive, type Reservation } from './reservation.js';

export interface GateSlot {
  index: number;
  exclusive: boolean;
  sharedJobs: number;
}

export class ReservationGate {
  private readonly pinned = new Map<number, Reservation>();
  private readonly counted: Reservation[] = [];

  constructor(
    reservations: readonly Reservation[],
    now: number,
    /** what running jobs hold, updated by the planner as it starts jobs */
    private readonly load: Load,
  ) {
    for (const r of reservations) {
      if (!isActive(r, now)) continue;
      if (r.gpuIds) for (const i of r.gpuIds) this.pinned.set(i, r);
      else this.counted.push(r);
    }
  }

  /** The reservation that keeps this GPU from the user, if any. */
  pinnedAgainst(user: string, index: number): Reservation | undefined {
    const r = this.pinned.get(index);
    return r && r.user !== user ? r : undefined;
  }

  /** Pinned for this user: their jobs take these first. */
  pinnedFor(user: string, index: number): boolean {
    return this.pinned.get(index)?.user === user;
  }

  /**
   * GPUs other users' counted reservations still hold back from `user`: each reserves its N
   * GPUs minus those its user's jobs already hold. `by` names the first such reservation.
   */
  heldBack(user: string): { count: number; by?: Reservation } {
    let count = 0;
    let by: Reservation | undefined;
    for (const r of this.counted) {
      if (r.user === user) continue;
      const left = Math.max(0, (r.gpus ?? 0) - this.load.gpus('user', r.user));
      if (left > 0) {
        count += left;
        by ??= r;
      }
    }
    return by ? { count, by } : { count };
  }

  /** Idle GPUs no pinned reservation holds: what counted reservations are kept from. */
  idleUnpinned<G extends GateSlot>(gpus: readonly G[]): G[] {
    return gpus.filter((g) => !g.exclusive && g.sharedJobs === 0 && !this.pinned.has(g.index));
  }
}
