// Reservations (src/core/reservation.ts): `gflow reserve create | list | cancel`.
import type { NewReservation, Reservation } from '../core/reservation.js';
import type { Db } from './db.js';
import { prepared } from './statements.js';

interface Row {
  id: number;
  user: string;
  gpus: number | null;
  gpu_ids: string | null;
  start_at: number;
  end_at: number;
  created_at: number;
}

const COLUMNS = 'id, user, gpus, gpu_ids, start_at, end_at, created_at';
const toReservation = (r: Row): Reservation => ({
  id: r.id, user: r.user, gpus: r.gpus, gpuIds: r.gpu_ids === null ? null : (JSON.parse(r.gpu_ids) as number[]), startAt: r.start_at, endAt: r.end_at, createdAt: r.created_at,
});

export class ReservationStore {
  constructor(private readonly db: Db) {}

  /** Reservations not cancelled whose window has not ended at `now`, by start. */
  current(now: number): Reservation[] {
    return (prepared(this.db, `SELECT ${COLUMNS} FROM reservations WHERE cancelled_at IS NULL AND end_at > ? ORDER BY start_at, id`).all(now) as Row[]).map(toReservation);
  }

  get(id: number): Reservation | undefined {
    const row = prepared(this.db, `SELECT ${COLUMNS} FROM reservations WHERE id = ? AND cancelled_at IS NULL`).get(id) as Row | undefined;
    return row && toReservation(row);
  }

  insert(r: NewReservation, now: number): Reservation {
    const info = prepared(this.db, 'INSERT INTO reservations (user, gpus, gpu_ids, start_at, end_at, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(r.user, r.gpus, r.gpuIds === null ? null : JSON.stringify(r.gpuIds), r.startAt, r.endAt, now);
    return this.get(Number(info.lastInsertRowid))!;
  }

  cancel(id: number, now: number): boolean {
    return prepared(this.db, 'UPDATE reservations SET cancelled_at = ? WHERE id = ? AND cancelled_at IS NULL').run(now, id).changes > 0;
  }
}
