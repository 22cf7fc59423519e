// `gflow reserve`: GPUs kept for one user during a window. Anyone may list them; creating and
// cancelling are root's. A change asks for a pass, which re-arms the timer for the next window
// boundary and updates the reasons of waiting jobs.
import { conflict, type NewReservation } from '../../core/reservation.js';
import type { ReservationsResponse } from '../../protocol/api.js';
import { GflowError } from '../../protocol/errors.js';
import { assertAdmin, type Caller } from '../../identity/caller.js';
import { policyStores } from '../../store/policy.js';
import { name } from '../validate.js';
import type { Answer, Ctx } from './context.js';

export async function listReservations(ctx: Ctx): Promise<Answer> {
  const now = Date.now();
  const body: ReservationsResponse = { reservations: policyStores(ctx.store.db).reservations.current(now), gpus: await usableGpus(ctx), now };
  return [200, body];
}

export async function createReservation(ctx: Ctx, caller: Caller, body: unknown): Promise<Answer> {
  assertAdmin(caller, 'reserve GPUs');
  const r = validate(body);
  const now = Date.now();
  if (r.endAt <= now) throw new GflowError('bad_request', 'the window has already ended', 'give a later --start or a longer --duration');
  const gpus = await usableGpus(ctx);
  // Checked and inserted in one transaction: two reservations at once cannot both pass.
  const made = ctx.store.atomically(() => {
    const store = policyStores(ctx.store.db).reservations;
    const why = conflict(r, store.current(now), gpus);
    if (why) throw new GflowError('conflict', `cannot reserve: ${why}`, 'see `gflow reserve list --timeline`; choose other GPUs or another time');
    return store.insert(r, now);
  });
  const what = made.gpuIds ? `GPUs ${made.gpuIds.join(',')}` : `${made.gpus} GPU(s)`;
  ctx.log.event(`reservation ${made.id} by ${caller.user}: ${what} for ${made.user}, ${new Date(made.startAt).toISOString()} to ${new Date(made.endAt).toISOString()}`);
  ctx.scheduler.requestPass();
  return [201, { reservation: made }];
}

export function cancelReservation(ctx: Ctx, caller: Caller, id: number): Answer {
  assertAdmin(caller, 'cancel reservations');
  if (!policyStores(ctx.store.db).reservations.cancel(id, Date.now())) throw new GflowError('not_found', `reservation ${id} does not exist or was cancelled`, 'see `gflow reserve list`');
  ctx.log.event(`reservation ${id} cancelled by ${caller.user}`);
  ctx.scheduler.requestPass();
  return [200, { cancelled: id }];
}

// The GPUs gflow may use now: what a reservation can hold.
async function usableGpus(ctx: Ctx): Promise<number[]> {
  await ctx.gpus.refresh();
  return ctx.gpus.describe(ctx.store.slimByState('running')).filter((g) => g.allowed).map((g) => g.index);
}

function validate(body: unknown): NewReservation {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GflowError('bad_request', "invalid field 'body': expected a JSON object");
  const b = body as Record<string, unknown>;
  const time = (k: string): number => {
    if (!Number.isSafeInteger(b[k]) || (b[k] as number) < 0 || (b[k] as number) > 8.64e15) throw new GflowError('bad_request', `invalid field '${k}': expected ms since the epoch`);
    return b[k] as number;
  };
  const startAt = time('startAt');
  const endAt = time('endAt');
  if (endAt <= startAt) throw new GflowError('bad_request', 'the window ends before it starts', 'give a positive --duration');
  if ((b.gpus === undefined) === (b.gpuIds === undefined)) throw new GflowError('bad_request', 'give exactly one of gpus or gpuIds', 'use --gpus N or --gpu-spec 0,2');
  let gpus: number | null = null;
  let gpuIds: number[] | null = null;
  if (b.gpus !== undefined) {
    if (!Number.isSafeInteger(b.gpus) || (b.gpus as number) < 1 || (b.gpus as number) > 1024) throw new GflowError('bad_request', "invalid field 'gpus': expected a whole number from 1 to 1024");
    gpus = b.gpus as number;
  } else {
    const ids = b.gpuIds;
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > 1024 || !ids.every((i) => Number.isSafeInteger(i) && i >= 0 && i < 1024)) throw new GflowError('bad_request', "invalid field 'gpuIds': expected GPU indices");
    gpuIds = [...new Set(ids as number[])].sort((x, y) => x - y);
  }
  return { user: name(b.user, 'user'), gpus, gpuIds, startAt, endAt };
}
