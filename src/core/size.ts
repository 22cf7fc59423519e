// Memory sizes as users type them: `20G`, `1024M`, `512` (MiB). Returns MiB.
import { GflowError } from '../protocol/errors.js';

export function parseMemoryMb(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([MGT]i?B?)?$/i.exec(text.trim());
  if (!m) throw new GflowError('usage', `invalid memory size '${text}'`, 'use a size like 20G, 1024M or 512 (MiB)');
  const unit = (m[2] ?? 'M')[0]!.toUpperCase();
  const mb = Number(m[1]) * (unit === 'T' ? 1024 * 1024 : unit === 'G' ? 1024 : 1);
  if (!Number.isFinite(mb) || mb < 1) throw new GflowError('usage', `invalid memory size '${text}'`, 'use a size like 20G, 1024M or 512 (MiB)');
  return Math.round(mb);
}

const UNITS = ['', 'K', 'M', 'G', 'T'];

/** `500M`, `2G`, `1.5T`, `4096` (bytes; K, M, G, T are powers of 1024, a trailing iB or B allowed). */
export function parseByteSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT])?(?:i?B)?$/i.exec(text.trim());
  const bytes = m ? Math.round(Number(m[1]) * 1024 ** UNITS.indexOf((m[2] ?? '').toUpperCase())) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new GflowError('usage', `invalid size '${text}'`, 'use a size like 500M, 2G or 1048576 (bytes)');
  return bytes;
}

/** 524288000 → `500M`: the largest unit that keeps it whole, else one decimal. */
export function formatBytes(bytes: number): string {
  let i = 0;
  while (i < UNITS.length - 1 && bytes >= 1024 ** (i + 1)) i++;
  const n = bytes / 1024 ** i;
  return `${Number.isInteger(n) ? n : n.toFixed(1)}${UNITS[i]}`;
}
