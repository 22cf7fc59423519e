// Time limits in the formats Slurm and gflow users type:
// `MM` (minutes), `MM:SS`, `HH:MM:SS`, `D-HH:MM:SS`. Returns seconds.
import { GflowError } from '../protocol/errors.js';

export function parseTimeLimit(text: string): number {
  const m = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/.exec(text.trim());
  if (!m) throw badTime(text);
  const [, d, a, b, c] = m;
  let sec: number;
  if (d !== undefined) {
    // D-HH, D-HH:MM, D-HH:MM:SS
    sec = Number(d) * 86400 + Number(a) * 3600 + Number(b ?? 0) * 60 + Number(c ?? 0);
  } else if (c !== undefined) {
    sec = Number(a) * 3600 + Number(b) * 60 + Number(c);
  } else if (b !== undefined) {
    sec = Number(a) * 60 + Number(b);
  } else {
    sec = Number(a) * 60;
  }
  if (!Number.isSafeInteger(sec) || sec <= 0) throw badTime(text);
  return sec;
}

function badTime(text: string): GflowError {
  return new GflowError('usage', `invalid time limit '${text}'`, 'use MM, MM:SS, HH:MM:SS or D-HH:MM:SS (e.g. 90, 1:30:00, 2-00:00:00)');
}

// 3725 → "1:02:05"; 90061 → "1-01:01:01" (Slurm's TIME column).
export function formatElapsed(totalSec: number): string {
  const s = Math.max(0, Math.floor(totalSec));
  const days = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mmss = `${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
  if (days > 0) return `${days}-${String(h).padStart(2, '0')}:${mmss}`;
  if (h > 0) return `${h}:${mmss}`;
  return `${m}:${String(sec).padStart(2, '0')}`;
}
