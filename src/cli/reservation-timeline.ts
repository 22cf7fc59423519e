// `gflow reserve list --timeline`: one line per GPU from now to the last window's end, a
// letter where a reservation holds it; counted reservations (any N GPUs) get a line each.
import { localTime } from '../config/local-time.js';
import type { Reservation } from '../core/reservation.js';

const WIDTH = 60;

export function reservationTimeline(rs: readonly Reservation[], gpus: readonly number[], now: number): string {
  const end = Math.max(...rs.map((r) => r.endAt));
  const step = Math.max(1, (end - now) / WIDTH);
  const letter = new Map(rs.map((r, i) => [r.id, String.fromCharCode(65 + (i % 26))]));
  const line = (held: readonly Reservation[]): string => {
    let out = '';
    for (let c = 0; c < WIDTH; c++) {
      const t = now + c * step;
      const r = held.find((x) => x.startAt <= t + step && t < x.endAt);
      out += r ? letter.get(r.id)! : '·';
    }
    return out;
  };
  const rows: [string, string][] = [];
  const pinnedGpus = new Set([...gpus, ...rs.flatMap((r) => r.gpuIds ?? [])]);
  for (const g of [...pinnedGpus].sort((a, b) => a - b)) rows.push([`GPU ${g}`, line(rs.filter((r) => r.gpuIds?.includes(g)))]);
  for (const r of rs.filter((x) => x.gpuIds === null)) rows.push([`any ×${r.gpus}`, line([r])]);
  const label = Math.max(...rows.map(([l]) => l.length));
  const out = [`${''.padEnd(label)}  ${localTime(now)} → ${localTime(end)} (${minutes(step)} per column)`];
  for (const [l, bar] of rows) out.push(`${l.padEnd(label)}  ${bar}`);
  for (const r of rs) out.push(`${letter.get(r.id)} = reservation ${r.id}: ${r.user}, ${localTime(r.startAt)} to ${localTime(r.endAt)}`);
  return `${out.join('\n')}\n`;
}

function minutes(ms: number): string {
  const min = ms / 60_000;
  return min >= 1 ? `${Math.round(min)} min` : `${Math.max(1, Math.round(ms / 1000))} s`;
}
