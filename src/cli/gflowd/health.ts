// Asking a port whether a gflowd answers there, and which one (by PID).
import { setTimeout as sleep } from 'node:timers/promises';
import { isHealth } from '../../protocol/health.js';
import type { Health } from '../../protocol/job.js';
import { rawRequest } from '../../client/client.js';

export type Probe = { kind: 'gflowd'; health: Health } | { kind: 'foreign' } | { kind: 'closed' };

// A listener whose process is exiting resets the connections it accepted: Node's other threads
// keep the socket open for a moment after /proc already shows the main thread as a zombie. Such
// a reset says nothing about who holds the port, so the probe asks again before it decides.
const RESET_RETRIES = 10;
const RESET_PAUSE_MS = 50;

export async function probe(port: number, timeoutMs = 2000): Promise<Probe> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await rawRequest(port, 'GET', '/health', undefined, { connection: 'close' }, timeoutMs);
      return res.status === 200 && isHealth(res.body) ? { kind: 'gflowd', health: res.body } : { kind: 'foreign' };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ECONNREFUSED') return { kind: 'closed' };
      if ((code === 'ECONNRESET' || code === 'EPIPE') && attempt < RESET_RETRIES) {
        await sleep(RESET_PAUSE_MS);
        continue;
      }
      return { kind: 'foreign' };
    }
  }
}
