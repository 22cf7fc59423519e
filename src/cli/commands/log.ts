// `gflow log <id|@>`: the job's output, readable by default, raw with --raw, followed with -f.
// The log is read in blocks and written as it is read, so its size does not matter.
import fs from 'node:fs';
import { ROUTES, type JobResponse } from '../../protocol/api.js';
import { ACTIVE_STATES, type Job } from '../../protocol/job.js';
import { Client } from '../../client/client.js';
import { followEvents } from '../../client/event-stream.js';
import { resolveJobId } from '../../client/job-ref.js';
import { LogRenderer } from '../../client/log-text.js';
import { lastLinesStart, logSize, openLog, pump, RawFilter } from '../../client/log-read.js';

/** how often the job's state is asked when no event came (events normally end the wait) */
const SAFETY_POLL_MS = 5000;

interface LogFlags {
  follow?: boolean;
  first?: number;
  last?: number;
  raw?: boolean;
}

/** Turns the log's bytes into what is shown: rendered text, or the raw bytes (less gflow's end mark). */
interface Filter {
  write(chunk: Buffer): string | Buffer;
  end(): string | Buffer;
}

export async function logCommand(ref: string, flags: LogFlags): Promise<void> {
  const client = new Client();
  const id = await resolveJobId(client, ref);
  const { job } = await client.request<JobResponse>('GET', ROUTES.job(id));
  // `gflow log | head` closes the pipe early: that ends the command, it is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const filter: Filter = flags.raw ? new RawFilter() : new LogRenderer();
  const following = flags.follow === true && ACTIVE_STATES.includes(job.state);
  let fd = openLog(job.logPath);
  try {
    if (fd === null && !following) {
      if (job.state === 'queued') process.stderr.write(`gflow: job ${id} has not started yet; no output\n`);
      return;
    }
    let offset = 0;
    if (fd !== null) {
      // A running job's log grows while it is read: without -f, show what it had when asked.
      const size = logSize(fd);
      const from = flags.last !== undefined ? lastLinesStart(fd, size, flags.last) : 0;
      const lines = flags.first !== undefined ? firstLines(flags.first) : undefined;
      offset = await pump(fd, from, following ? undefined : size, (chunk) => (lines ? lines(filter.write(chunk)) : write(filter.write(chunk)).then(() => true)));
      if (!following) {
        if (lines) await lines(filter.end());
        else await write(filter.end());
        return;
      }
    }
    fd = await follow(client, job, fd, offset, filter);
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

// Writes up to `n` lines of what it is given, then answers false: reading stops there.
function firstLines(n: number): (out: string | Buffer) => Promise<boolean> {
  let left = n;
  return async (out) => {
    if (left <= 0) return false;
    let cut = -1;
    while (left > 0) {
      cut = out.indexOf('\n', cut + 1);
      if (cut < 0) break;
      left--;
    }
    await write(left > 0 ? out : typeof out === 'string' ? out.slice(0, cut + 1) : out.subarray(0, cut + 1));
    return left > 0;
  };
}

// Respects the pipe's pace: a slow reader does not make gflow buffer the log in memory.
function write(out: string | Buffer): Promise<void> {
  if (out.length === 0 || process.stdout.write(out)) return Promise.resolve();
  return new Promise((resolve) => process.stdout.once('drain', resolve));
}

// Prints complete lines as they arrive (a partial line waits for its end, so carriage-return
// progress bars render once per line) until the job has ended: the daemon's event stream says
// when (the log is complete by then); its state is also asked now and then, as a safety net.
// Returns the log's descriptor.
async function follow(client: Client, job: Job, fdIn: number | null, from: number, filter: Filter): Promise<number | null> {
  let fd = fdIn;
  let offset = from;
  let wake: (() => void) | undefined;
  let watcher: fs.FSWatcher | undefined;
  let ended = false;
  const readMore = async (): Promise<void> => {
    fd ??= openLog(job.logPath);
    if (fd === null) return;
    offset = await pump(fd, offset, undefined, async (chunk) => {
      await write(filter.write(chunk));
      return true;
    });
  };
  const askState = async (): Promise<void> => {
    const { job: now } = await client.request<JobResponse>('GET', ROUTES.job(job.id));
    if (!ACTIVE_STATES.includes(now.state)) ended = true;
    wake?.();
  };
  const stop = new AbortController();
  const events = (async () => {
    // Asked once the stream is open, so that an end just before it is not missed.
    const stream = followEvents(client, { job: job.id, types: ['job.started', 'job.ended', 'job.cancelled'], signal: stop.signal, onOpen: () => void askState().catch(() => {}) });
    for await (const e of stream) {
      if (e.type !== 'job.started') ended = true;
      wake?.();
    }
  })().catch(() => {
    // no stream (an older daemon): the safety net below still ends the command
  });
  try {
    for (;;) {
      if (!watcher) {
        try {
          watcher = fs.watch(job.logPath, () => wake?.());
        } catch {
          // the log does not exist until the job starts
        }
      }
      const timedOut = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(true), SAFETY_POLL_MS);
        wake = () => {
          clearTimeout(timer);
          resolve(false);
        };
      });
      if (timedOut && !ended) await askState();
      await readMore();
      if (ended) {
        await readMore();
        await write(filter.end());
        return fd;
      }
    }
  } finally {
    watcher?.close();
    stop.abort();
    await events;
  }
}
