// `gflow log <id|@>`: the job's output, readable by default, raw with --raw, followed with -f.
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { ROUTES, type JobResponse } from '../../protocol/api.js';
import { GflowError } from '../../protocol/errors.js';
import { ACTIVE_STATES, type Job } from '../../protocol/job.js';
import { Client } from '../client.js';
import { resolveJobId } from '../job-ref.js';
import { renderLog, selectLines } from '../log-text.js';
import { END_MARK } from '../../executor/tmux/wrapper.js';

interface LogFlags {
  follow?: boolean;
  first?: number;
  last?: number;
  raw?: boolean;
}

export async function logCommand(ref: string, flags: LogFlags): Promise<void> {
  const client = new Client();
  const id = await resolveJobId(client, ref);
  const { job } = await client.request<JobResponse>('GET', ROUTES.job(id));
  // The wrapper's end mark is gflow's, not the job's output.
  const render = (s: string): string => (flags.raw ? s.replaceAll(END_MARK, '') : renderLog(s));
  const text = readFrom(job.logPath, 0);
  if (!flags.follow || !ACTIVE_STATES.includes(job.state)) {
    if (text.length === 0 && job.state === 'queued') process.stderr.write(`gflow: job ${id} has not started yet; no output\n`);
    process.stdout.write(selectLines(render(text.toString('utf8')), flags.first, flags.last));
    return;
  }
  await follow(client, job, text, flags, render);
}

function readFrom(file: string, offset: number): Buffer {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const buf = Buffer.alloc(Math.max(0, size - offset));
      fs.readSync(fd, buf, 0, buf.length, offset);
      return buf;
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    // The log exists from the job's start on; before that there is nothing to show yet.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
    throw new GflowError('internal', `cannot read the job's log ${file}: ${(err as Error).message}`, 'check the file and its permissions');
  }
}

// Prints complete lines as they arrive (a partial line waits for its end, so carriage-return
// progress bars render once per line) until the job has ended.
async function follow(client: Client, job: Job, initial: Buffer, flags: LogFlags, render: (s: string) => string): Promise<void> {
  let offset = initial.length;
  // A chunk may end inside a multi-byte character: the decoder keeps it for the next one.
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const emit = (chunk: Buffer, final: boolean): void => {
    pending += final ? decoder.end(chunk) : decoder.write(chunk);
    const cut = final ? pending.length : pending.lastIndexOf('\n') + 1;
    if (cut > 0) {
      process.stdout.write(render(pending.slice(0, cut)));
      pending = pending.slice(cut);
    }
  };
  if (flags.last !== undefined) {
    const complete = decoder.write(initial);
    const lastNl = complete.lastIndexOf('\n') + 1;
    process.stdout.write(selectLines(render(complete.slice(0, lastNl)), undefined, flags.last));
    pending = complete.slice(lastNl);
  } else {
    emit(initial, false);
  }
  let wake: (() => void) | undefined;
  let watcher: fs.FSWatcher | undefined;
  const watchFile = (): void => {
    if (watcher) return;
    try {
      watcher = fs.watch(job.logPath, () => wake?.());
    } catch {
      // the log does not exist until the job starts
    }
  };
  let checkedAt = 0;
  try {
    for (;;) {
      watchFile();
      // New output arrives by events; the job's state is asked for about once a second.
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 1000);
      });
      const more = readFrom(job.logPath, offset);
      offset += more.length;
      if (more.length) emit(more, false);
      if (Date.now() - checkedAt < 1000) continue;
      checkedAt = Date.now();
      const { job: now } = await client.request<JobResponse>('GET', ROUTES.job(job.id));
      if (!ACTIVE_STATES.includes(now.state)) {
        emit(readFrom(job.logPath, offset), true);
        return;
      }
    }
  } finally {
    watcher?.close();
  }
}
