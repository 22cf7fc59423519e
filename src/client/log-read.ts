// Reads a job's log in blocks, so a log of any size is shown in bounded memory: forwards from
// an offset, or backwards from the end to where its last N lines start.
import fs from 'node:fs';
import { GflowError } from '../protocol/errors.js';
import { END_MARK } from '../executor/tmux/wrapper.js';

const BLOCK = 1 << 20;
const MARK = Buffer.from(END_MARK, 'latin1');
const NL = 0x0a;

/** The open log, or null when it does not exist yet (it exists from the job's start on). */
export function openLog(file: string): number | null {
  try {
    return fs.openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw cannotRead(file, err);
  }
}

export function logSize(fd: number): number {
  return fs.fstatSync(fd).size;
}

function cannotRead(file: string, err: unknown): GflowError {
  return new GflowError('internal', `cannot read the job's log ${file}: ${(err as Error).message}`, 'check the file and its permissions');
}

/**
 * Hands the bytes from `from` up to `to` (or the end of the file) to `sink` block by block;
 * `sink` answers false to stop early. Returns the offset reached.
 */
export async function pump(fd: number, from: number, to: number | undefined, sink: (chunk: Buffer) => boolean | Promise<boolean>): Promise<number> {
  const buf = Buffer.allocUnsafe(BLOCK);
  let at = from;
  while (to === undefined || at < to) {
    const n = fs.readSync(fd, buf, 0, to === undefined ? BLOCK : Math.min(BLOCK, to - at), at);
    if (n === 0) break;
    at += n;
    // The sink may keep what it is given: it gets a copy, and the block is reused.
    if (!(await sink(Buffer.from(buf.subarray(0, n))))) break;
  }
  return at;
}

/**
 * Where the last `n` lines of the first `size` bytes start, read backwards in blocks. The final
 * newline and the wrapper's end mark after it end the last line; they do not start another.
 */
export function lastLinesStart(fd: number, size: number, n: number): number {
  let end = size;
  if (end >= MARK.length) {
    const tail = Buffer.alloc(MARK.length);
    fs.readSync(fd, tail, 0, MARK.length, end - MARK.length);
    if (tail.equals(MARK)) end -= MARK.length;
  }
  const buf = Buffer.allocUnsafe(BLOCK);
  let skipFinal = true;
  let found = 0;
  while (end > 0) {
    const start = Math.max(0, end - BLOCK);
    const len = end - start;
    fs.readSync(fd, buf, 0, len, start);
    for (let i = len - 1; i >= 0; i--) {
      if (buf[i] !== NL) {
        skipFinal = false;
        continue;
      }
      if (skipFinal) {
        skipFinal = false;
        continue;
      }
      if (++found === n) return start + i + 1;
    }
    end = start;
  }
  return 0;
}

/** Removes the wrapper's end mark from raw bytes, also when a block boundary cuts it. */
export class RawFilter {
  private held = Buffer.alloc(0);

  write(chunk: Buffer): Buffer {
    let data = this.held.length ? Buffer.concat([this.held, chunk]) : chunk;
    data = dropMarks(data);
    // Keep back a tail that could be the start of a mark the next block completes.
    const keep = partialMarkAtEnd(data);
    this.held = Buffer.from(data.subarray(data.length - keep));
    return data.subarray(0, data.length - keep);
  }

  end(): Buffer {
    const rest = this.held;
    this.held = Buffer.alloc(0);
    return rest;
  }
}

function dropMarks(data: Buffer): Buffer {
  let at = data.indexOf(MARK);
  if (at < 0) return data;
  const parts: Buffer[] = [];
  let from = 0;
  while (at >= 0) {
    parts.push(data.subarray(from, at));
    from = at + MARK.length;
    at = data.indexOf(MARK, from);
  }
  parts.push(data.subarray(from));
  return Buffer.concat(parts);
}

function partialMarkAtEnd(data: Buffer): number {
  for (let k = Math.min(MARK.length - 1, data.length); k > 0; k--) {
    if (data.subarray(data.length - k).equals(MARK.subarray(0, k))) return k;
  }
  return 0;
}
