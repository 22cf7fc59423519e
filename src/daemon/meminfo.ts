// The machine's memory, from /proc/meminfo: MemTotal and MemAvailable (the kernel's estimate
// of what can be allocated without swapping), in MiB. Undefined where it cannot be read.
import fs from 'node:fs';

export interface MemInfo {
  totalMb: number;
  availableMb: number;
}

export function readMemInfo(file = '/proc/meminfo'): MemInfo | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const kb = (key: string): number | undefined => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  };
  const total = kb('MemTotal');
  const available = kb('MemAvailable');
  if (total === undefined || available === undefined) return undefined;
  return { totalMb: Math.floor(total / 1024), availableMb: Math.floor(available / 1024) };
}
