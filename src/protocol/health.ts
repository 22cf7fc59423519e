import type { Health } from './job.js';

export function isHealth(value: unknown): value is Health {
  const h = value as Health;
  return typeof h === 'object' && h !== null && h.status === 'ok' && typeof h.pid === 'number' && typeof h.version === 'string' && typeof h.protocol === 'number';
}

/**
 * What `/health` tells a peer that is not the daemon's owner (see docs/daemon.md, Security): a shared
 * daemon's other users get the full answer without `scheduling`; an unidentified peer only this.
 */
export type PublicHealth = Omit<Health, 'scheduling'> | Pick<Health, 'status' | 'protocol' | 'mode'>;
