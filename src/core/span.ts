// Spans of time as typed for waits and ages: `90s`, `10m`, `2h`, `30d`, `1w`, or a time
// limit's forms (`MM`, `HH:MM:SS`, `D-HH:MM:SS`). Returns seconds.
import { GflowError } from '../protocol/errors.js';
import { parseTimeLimit } from './duration.js';

const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 7 * 86400 };

export function parseSpan(text: string): number {
  const m = /^(\d+)\s*([smhdw])$/i.exec(text.trim());
  if (!m) {
    try {
      return parseTimeLimit(text);
    } catch {
      throw new GflowError('usage', `invalid duration '${text}'`, 'use e.g. 90s, 10m, 2h, 30d, 1w or HH:MM:SS');
    }
  }
  const sec = Number(m[1]) * UNIT[m[2]!.toLowerCase()]!;
  if (!Number.isSafeInteger(sec) || sec <= 0) throw new GflowError('usage', `invalid duration '${text}'`, 'give a positive duration, e.g. 30d');
  return sec;
}
