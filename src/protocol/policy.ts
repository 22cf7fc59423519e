// Quotas and reservations as they travel: the rows `gflow quota` and `gflow reserve` list and
// the daemon stores. The rules that apply them are in src/core/quota.ts and reservation.ts.

/** Whom a quota or a load counts: one user, or one project (-P). */
export type Scope = 'user' | 'project';

/** null: no limit. */
export interface QuotaLimits {
  maxRunning: number | null;
  maxGpus: number | null;
  maxQueued: number | null;
}

export type QuotaScope = Scope | 'default';

/** One row of `gflow quota list`; `name` is '' for the default. */
export interface Quota extends QuotaLimits {
  scope: QuotaScope;
  name: string;
}

export interface Reservation {
  id: number;
  user: string;
  /** a counted reservation: how many GPUs; null when pinned */
  gpus: number | null;
  /** a pinned reservation: which GPUs; null when counted */
  gpuIds: number[] | null;
  startAt: number;
  endAt: number;
  createdAt: number;
}
