import type { Health } from './job.js';

export function isHealth(value: unknown): value is Health {
  const h = value as Health;
  return typeof h === 'object' && h !== null && h.status === 'ok' && typeof h.pid === 'number' && typeof h.version === 'string' && typeof h.protocol === 'number';
}
