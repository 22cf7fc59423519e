// `gflow clean`: removes ended jobs' records and files — the caller's own (an admin's: everyone's).
import type { CleanRequest, CleanResponse } from '../../protocol/api.js';
import { GflowError } from '../../protocol/errors.js';
import { ENDED_STATES, parseJobState, type JobState } from '../../protocol/job.js';
import type { Caller } from '../../identity/caller.js';
import { cleanEnded } from '../retention.js';
import type { Answer, Ctx } from './context.js';
import { afterBurst } from '../memory-return.js';

export async function clean(ctx: Ctx, caller: Caller, body: unknown): Promise<Answer> {
  // Anything but an object is refused: taken as {}, it would remove every ended job.
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GflowError('bad_request', "invalid field 'body': expected a JSON object", 'send {} to remove all your ended jobs');
  const b = body as CleanRequest;
  const olderThanSec = b.olderThanSec ?? 0;
  if (!Number.isSafeInteger(olderThanSec) || olderThanSec < 0) throw new GflowError('bad_request', "invalid field 'olderThanSec': expected a whole number of seconds ≥ 0");
  if (b.states !== undefined && !Array.isArray(b.states)) throw new GflowError('bad_request', "invalid field 'states': expected an array of ended states", 'use CD, F, CA, TO or their names');
  const states: JobState[] = [];
  for (const s of b.states ?? ENDED_STATES) {
    const st = typeof s === 'string' ? parseJobState(s) : undefined;
    if (!st || !ENDED_STATES.includes(st)) throw new GflowError('bad_request', `'${String(s)}' is not an ended state`, 'use CD, F, CA, TO or their names');
    states.push(st);
  }
  if (b.dryRun !== undefined && typeof b.dryRun !== 'boolean') throw new GflowError('bad_request', "invalid field 'dryRun': expected true or false");
  const r = await cleanEnded(ctx, { olderThanMs: olderThanSec * 1000, states, uid: caller.admin ? null : caller.uid, dryRun: b.dryRun === true, now: Date.now() });
  const answer: CleanResponse = { ...r, dryRun: b.dryRun === true };
  afterBurst(r.removed.length + r.kept.length);
  return [200, answer];
}
