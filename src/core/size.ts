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
