// Deferred start times (`--begin`) as users type them: `now`, `now+30m`, `HH:MM[:SS]`,
// `YYYY-MM-DD`, `YYYY-MM-DD[T ]HH:MM[:SS]`. Local time; `now` is passed in. Returns epoch ms.
import { GflowError } from '../protocol/errors.js';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const MAX_DATE_MS = 8.64e15; // the largest time a Date can hold

export function parseBeginTime(text: string, now: Date): number {
  const t = text.trim();
  const nowMs = now.getTime();
  if (t === 'now') return nowMs;

  const rel = /^now\+(\d+)([smhd]?)$/.exec(t);
  if (rel) {
    const ms = Number(rel[1]) * UNIT_MS[rel[2] || 's']!;
    if (!Number.isSafeInteger(ms) || nowMs + ms > MAX_DATE_MS) throw badBegin(text, 'offset is too large');
    return nowMs + ms;
  }

  const clock = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(t);
  if (clock) {
    const [h, mi, s] = checkClock(text, clock[1]!, clock[2]!, clock[3]);
    const today = new Date(now.getFullYear(), now.getMonth(), now.getDate(), h, mi, s);
    if (today.getTime() >= nowMs) return today.getTime();
    // Already passed today: the same wall-clock time tomorrow (the Date constructor handles DST).
    return new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, h, mi, s).getTime();
  }

  const date = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(t);
  if (date) {
    const y = Number(date[1]);
    const mo = Number(date[2]);
    const d = Number(date[3]);
    if (mo < 1 || mo > 12) throw badBegin(text, 'month must be 01-12');
    const daysInMonth = [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]!;
    if (d < 1 || d > daysInMonth) throw badBegin(text, `day must be 01-${daysInMonth}`);
    const [h, mi, s] = date[4] === undefined ? [0, 0, 0] : checkClock(text, date[4], date[5]!, date[6]);
    // setFullYear, not the constructor, so years 0000-0099 are not read as 19xx.
    const at = new Date(2000, 0, 1);
    at.setFullYear(y, mo - 1, d);
    at.setHours(h, mi, s, 0);
    return at.getTime();
  }

  throw badBegin(text);
}

function checkClock(text: string, hh: string, mm: string, ss: string | undefined): [number, number, number] {
  const h = Number(hh);
  const m = Number(mm);
  const s = Number(ss ?? 0);
  if (h > 23) throw badBegin(text, 'hour must be 0-23');
  if (m > 59) throw badBegin(text, 'minutes must be 00-59');
  if (s > 59) throw badBegin(text, 'seconds must be 00-59');
  return [h, m, s];
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function badBegin(text: string, why?: string): GflowError {
  return new GflowError(
    'usage',
    why === undefined ? `invalid begin time '${text}'` : `invalid begin time '${text}': ${why}`,
    'use now, now+N[s|m|h|d] (e.g. now+30m), HH:MM[:SS], YYYY-MM-DD, or YYYY-MM-DDTHH:MM[:SS]',
  );
}
