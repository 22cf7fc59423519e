// `gflow reserve create | list | cancel`: GPUs kept for one user during a window.
import { parseBeginTime } from '../../core/begin-time.js';
import { parseTimeLimit } from '../../core/duration.js';
import type { Reservation } from '../../core/reservation.js';
import { localTime } from '../../config/local-time.js';
import { ROUTES, type ReservationRequest, type ReservationsResponse } from '../../protocol/api.js';
import { Client } from '../../client/client.js';
import { usage } from '../fail.js';
import { reservationTimeline } from '../reservation-timeline.js';
import { table } from '../table.js';

interface CreateFlags {
  user: string;
  gpus?: number;
  gpuSpec?: string;
  start: string;
  duration: string;
  json?: boolean;
}

export async function reserveCreate(f: CreateFlags): Promise<void> {
  if ((f.gpus === undefined) === (f.gpuSpec === undefined)) throw usage('give one of --gpus N and --gpu-spec LIST', 'e.g. --gpus 2 (any two GPUs) or --gpu-spec 0,2 (these)');
  const startAt = parseBeginTime(f.start, new Date());
  const endAt = startAt + parseTimeLimit(f.duration) * 1000;
  const req: ReservationRequest = { user: f.user, startAt, endAt };
  if (f.gpus !== undefined) req.gpus = f.gpus;
  else {
    if (!/^\d+(,\d+)*$/.test(f.gpuSpec!)) throw usage(`invalid --gpu-spec '${f.gpuSpec}'`, 'give GPU indices like 0,2');
    req.gpuIds = f.gpuSpec!.split(',').map(Number);
  }
  const { reservation } = await new Client().request<{ reservation: Reservation }>('POST', ROUTES.reservations, req);
  process.stdout.write(f.json ? `${JSON.stringify(reservation, null, 2)}\n` : `Reservation ${reservation.id}: ${what(reservation)} for ${reservation.user}, ${localTime(reservation.startAt)} to ${localTime(reservation.endAt)}\n`);
}

export async function reserveList(f: { timeline?: boolean; json?: boolean }): Promise<void> {
  const answer = await new Client().request<ReservationsResponse>('GET', ROUTES.reservations);
  if (f.json) {
    process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
    return;
  }
  if (answer.reservations.length === 0) {
    process.stdout.write('no reservations\n');
    return;
  }
  if (f.timeline) {
    process.stdout.write(reservationTimeline(answer.reservations, answer.gpus, answer.now));
    return;
  }
  const at = (ms: number): string => localTime(ms);
  const rows = answer.reservations.map((r) => [String(r.id), r.user, what(r), at(r.startAt), at(r.endAt), r.startAt <= answer.now ? 'active' : 'planned']);
  process.stdout.write(table(['ID', 'USER', 'GPUS', 'START', 'END', 'STATE'], rows));
}

export async function reserveCancel(id: string): Promise<void> {
  if (!/^\d+$/.test(id) || Number(id) < 1) throw usage(`invalid reservation id '${id}'`, 'see `gflow reserve list`');
  await new Client().request('POST', ROUTES.reservationCancel(Number(id)));
  process.stdout.write(`reservation ${id} cancelled\n`);
}

function what(r: Reservation): string {
  return r.gpuIds ? `GPU ${r.gpuIds.join(',')}` : `any ${r.gpus}`;
}
