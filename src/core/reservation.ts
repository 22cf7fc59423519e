// Reservations: GPUs kept for one user during a window. Pinned ones name their GPUs
// (`--gpu-spec 0,2`); counted ones (`--gpus N`) hold N GPUs back from other users, whichever
// are free. Windows are [startAt, endAt), ms since the epoch.
import type { Reservation } from '../protocol/policy.js';

export type { Reservation };

export type NewReservation = Omit<Reservation, 'id' | 'createdAt'>;

export function isActive(r: Pick<Reservation, 'startAt' | 'endAt'>, now: number): boolean {
  return r.startAt <= now && now < r.endAt;
}

export function size(r: Pick<Reservation, 'gpus' | 'gpuIds'>): number {
  return r.gpuIds?.length ?? r.gpus ?? 0;
}

/** The next moment a window starts or ends after `now`: the scheduler wakes then. */
export function nextBoundary(rs: readonly Reservation[], now: number): number | undefined {
  let next = Infinity;
  for (const r of rs) for (const t of [r.startAt, r.endAt]) if (t > now && t < next) next = t;
  return Number.isFinite(next) ? next : undefined;
}

/**
 * Why a new reservation cannot be kept together with the existing ones, or undefined. Pinned
 * windows that overlap in time must not share a GPU; and while windows overlap, all of them
 * together must not reserve more GPUs than the machine has (counted ones take any GPU, so only
 * the total can be checked for them). The total is taken over every window overlapping the new
 * one, which is stricter than the peak at one instant, and simple to explain.
 */
export function conflict(n: NewReservation, existing: readonly Reservation[], gpuIndices: readonly number[]): string | undefined {
  const totalGpus = gpuIndices.length;
  const missing = n.gpuIds?.find((i) => !gpuIndices.includes(i));
  if (missing !== undefined) return `GPU ${missing} is not one gflow may use (it may use ${gpuIndices.length ? gpuIndices.join(',') : 'none'})`;
  const overlapping = existing.filter((r) => r.startAt < n.endAt && n.startAt < r.endAt);
  for (const r of overlapping) {
    const shared = n.gpuIds && r.gpuIds ? n.gpuIds.filter((i) => r.gpuIds!.includes(i)) : [];
    if (shared.length) return `reservation ${r.id} (${r.user}) holds GPU ${shared.join(',')} during that time`;
  }
  const total = overlapping.reduce((sum, r) => sum + size(r), size(n));
  if (total > totalGpus) {
    const ids = overlapping.map((r) => r.id).join(', ');
    return `${total} GPUs would be reserved at once${ids ? ` (with reservation${overlapping.length > 1 ? 's' : ''} ${ids})` : ''}, but gflow may use ${totalGpus}`;
  }
  return undefined;
}
