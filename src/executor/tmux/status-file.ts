// The status file a job's wrapper writes when the job ends: one line, the exit status as a
// shell reports it (128+N when the job died of signal N).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { ExitStatus } from '../../core/end-state.js';
import { openRegular, readAt } from '../../config/safe-file.js';

export function statusFile(statusDir: string, id: number): string {
  return path.join(statusDir, String(id));
}

/** The status, once the whole line is there (the wrapper writes it with its newline in one write). */
export function parseStatus(text: string): ExitStatus | undefined {
  if (text === 'gpu-busy\n') return { exitCode: 75, signal: null, notStarted: 'gpu-busy' };
  const m = /^(\d+)\n$/.exec(text);
  if (!m) return undefined;
  const code = Number(m[1]);
  const signo = code > 128 && code < 128 + 65 ? code - 128 : 0;
  const name = signo ? Object.entries(os.constants.signals).find(([, n]) => n === signo)?.[0] : undefined;
  return { exitCode: code, signal: name ?? null };
}

// The job's owner (`owner`) can write here: nothing but the owner's plain file is read, and
// never through a link (src/config/safe-open.ts).
export function readStatus(statusDir: string, id: number, owner?: number): ExitStatus | undefined {
  const fd = openRegular(statusFile(statusDir, id), owner);
  if (fd === undefined) return undefined;
  try {
    const status = parseStatus(readAt(fd, 64).toString('utf8'));
    // The file was written when the job ended: its time is the job's end time.
    return status && { ...status, at: Math.floor(fs.fstatSync(fd).mtimeMs) };
  } finally {
    fs.closeSync(fd);
  }
}
