// Parses job id lists as users type them: `3`, `1,3,5-9`.
import { GflowError } from '../protocol/errors.js';

const MAX_RANGE = 100_000;

export function parseIdList(text: string): number[] {
  const ids: number[] = [];
  for (const part of text.split(',')) {
    const p = part.trim();
    const range = /^(\d+)-(\d+)$/.exec(p);
    if (range) {
      const a = Number(range[1]);
      const b = Number(range[2]);
      if (b < a || b - a > MAX_RANGE) throw badIds(text);
      for (let i = a; i <= b; i++) ids.push(i);
    } else if (/^\d+$/.test(p) && Number(p) > 0 && Number.isSafeInteger(Number(p))) {
      ids.push(Number(p));
    } else {
      throw badIds(text);
    }
  }
  return [...new Set(ids)];
}

function badIds(text: string): GflowError {
  return new GflowError('usage', `invalid job id list '${text}'`, 'use ids like 7, 1,3,5-9, @ or @~2');
}

// `@` is the user's most recent job, `@~N` the N-th most recent (`@~1` is `@`).
export function parseJobRef(text: string): { back: number } | undefined {
  if (text === '@') return { back: 1 };
  const m = /^@~(\d+)$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (n < 1) throw new GflowError('usage', `invalid job reference '${text}'`, 'use @, @~1, @~2, …');
  return { back: n };
}
