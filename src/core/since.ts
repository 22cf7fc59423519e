// The start of a period as people type it for `gflow stats` and `gflow queue --since`: a span
// back from now (`7d`, `12h`, `90m`, `1w`), `today` or `yesterday` (local midnight), a local
// date or date and time (`2026-11-20`, `2026-11-20 08:00`), or ISO 8601 with a zone. Epoch ms.
import { GflowError } from '../protocol/errors.js';
import { parseBeginTime } from './begin-time.js';
import { parseSpan } from './span.js';

export function parseSince(text: string, now: Date): number {
  const t = text.trim().toLowerCase();
  if (t === 'today' || t === 'yesterday') {
    return new Date(now.getFullYear(), now.getMonth(), now.getDate() - (t === 'today' ? 0 : 1)).getTime();
  }
  if (/^\d{4}-\d\d-\d\d[t ]\d\d:\d\d(:\d\d(\.\d+)?)?(z|[+-]\d\d:?\d\d)$/.test(t)) {
    const ms = Date.parse(t.toUpperCase().replace(' ', 'T'));
    if (Number.isNaN(ms)) throw bad(text);
    return ms;
  }
  try {
    if (/^\d{4}-/.test(t)) return parseBeginTime(t, now);
    return now.getTime() - parseSpan(t) * 1000;
  } catch {
    throw bad(text);
  }
}

function bad(text: string): GflowError {
  return new GflowError('usage', `invalid time '${text}'`, 'use a span back from now (7d, 12h, 1w), today, yesterday, a date (2026-11-20 08:00) or ISO 8601 with a zone');
}
