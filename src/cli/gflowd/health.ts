// Asking a port whether a gflowd answers there, and which one (by PID).
import { isHealth } from '../../protocol/health.js';
import type { Health } from '../../protocol/job.js';
import { rawRequest } from '../client.js';

export type Probe = { kind: 'gflowd'; health: Health } | { kind: 'foreign' } | { kind: 'closed' };

export async function probe(port: number, timeoutMs = 2000): Promise<Probe> {
  try {
    const res = await rawRequest(port, 'GET', '/health', undefined, { connection: 'close' }, timeoutMs);
    return res.status === 200 && isHealth(res.body) ? { kind: 'gflowd', health: res.body } : { kind: 'foreign' };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ECONNREFUSED' ? { kind: 'closed' } : { kind: 'foreign' };
  }
}
