// The daemon's live log: coloured lines on its tmux pane (what `tmux attach -t gflow_server`
// shows) and the same lines without colour in a size-bounded, rotated file.
import fs from 'node:fs';
import chalk from 'chalk';
import { localTime } from '../config/local-time.js';
import { escapeControl } from '../core/control-chars.js';
import { openAppend } from '../config/safe-file.js';

export type Level = 'info' | 'event' | 'warn' | 'error';

// Every message may carry a user's text (a job's name or command, a request line). Control
// characters are escaped, and the lines after the first (a stack trace) are indented, so that
// no text can pass for a line of its own on root's terminal or in the file.
function safe(msg: string): string {
  return escapeControl(msg).replaceAll('\n', '\n    | ');
}

const LEVEL_STYLE: Record<Level, (s: string) => string> = {
  info: chalk.cyan,
  event: chalk.green,
  warn: chalk.yellow,
  error: chalk.red,
};

export interface LoggerOptions {
  file: string;
  maxBytes?: number;
  keep?: number;
  /** where coloured lines go; stdout (the pane) by default */
  out?: NodeJS.WritableStream;
}

export class Logger {
  private fd: number;
  private size: number;
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly out: NodeJS.WritableStream;

  constructor(private readonly o: LoggerOptions) {
    this.maxBytes = o.maxBytes ?? 5 * 1024 * 1024;
    this.keep = o.keep ?? 3;
    this.out = o.out ?? process.stdout;
    // After `tmux kill-session` the pane is gone and writes fail; the file log goes on.
    this.out.on('error', () => {});
    this.fd = openAppend(o.file);
    this.size = fs.fstatSync(this.fd).size;
  }

  info(msg: string): void {
    this.write('info', msg);
  }
  event(msg: string): void {
    this.write('event', msg);
  }
  warn(msg: string): void {
    this.write('warn', msg);
  }
  error(msg: string): void {
    this.write('error', msg);
  }

  /** Lines written without a time and level, e.g. the start-up banner (its colours are ours). */
  raw(colored: string, plain: string): void {
    this.out.write(`${colored}\n`);
    this.toFile(`${safe(plain)}\n`);
  }

  write(level: Level, msg: string): void {
    const ts = localTime(new Date());
    const tag = level.toUpperCase().padEnd(5);
    const text = safe(msg);
    this.out.write(`${chalk.dim(ts)} ${LEVEL_STYLE[level](tag)} ${text}\n`);
    this.toFile(`${ts} ${tag} ${text}\n`);
  }

  private toFile(line: string): void {
    try {
      if (this.size + line.length > this.maxBytes) this.rotate();
      fs.writeSync(this.fd, line);
      this.size += Buffer.byteLength(line);
    } catch {
      // A full disk must not take the daemon down with it; the pane still shows the line.
    }
  }

  // gflowd.log → gflowd.log.1 → … → gflowd.log.<keep>, the oldest dropped.
  private rotate(): void {
    fs.closeSync(this.fd);
    for (let i = this.keep - 1; i >= 1; i--) {
      try {
        fs.renameSync(`${this.o.file}.${i}`, `${this.o.file}.${i + 1}`);
      } catch {
        // that generation does not exist yet
      }
    }
    fs.renameSync(this.o.file, `${this.o.file}.1`);
    this.fd = openAppend(this.o.file);
    this.size = 0;
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
