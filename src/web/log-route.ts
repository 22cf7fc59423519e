// GET /v1/jobs/:id/log: a job's log as the bytes its tmux pane printed, for the dashboard's
// terminal view. `offset=N` starts at a byte, `tail=N` at the start of the last N lines;
// `follow=1` keeps the answer open and sends what the job prints until it has ended. A client
// whose answer ends while the job still runs (a `gflowd reload`) asks again from where it was.
// In shared mode only the job's owner (or root) may read it; the file must be the owner's and
// is opened without following a link anyone else could plant on the way
// (src/config/safe-open.ts), and watched through its descriptor, not its path.
import fs from 'node:fs';
import type http from 'node:http';
import { lastLinesStart } from '../client/log-read.js';
import { assertOwner, type Caller } from '../identity/caller.js';
import { PROTOCOL_HEADER } from '../protocol/api.js';
import { GflowError } from '../protocol/errors.js';
import { ACTIVE_STATES } from '../protocol/job.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';
import { LOG_MAX_BYTES, LOG_SIZE_HEADER, LOG_START_HEADER } from '../protocol/web.js';
import { openRegular } from '../config/safe-file.js';
import { fdPath, openOwned } from '../config/safe-open.js';
import type { WebHost } from './host.js';
import { SECURITY_HEADERS } from './security.js';
import type { OpenStreams } from './streams.js';

const BLOCK = 256 * 1024;
/** A safety net: new output is noticed by fs.watch; the job's end by this check. */
const CHECK_MS = 1000;

function whole(params: URLSearchParams, name: string): number | undefined {
  const v = params.get(name);
  if (v === null) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new GflowError('bad_request', `${name} must be a whole number of zero or more`);
  return n;
}

export async function serveLog(ctx: Pick<WebHost, 'store' | 'paths'>, caller: Caller, id: number, params: URLSearchParams, res: http.ServerResponse, streams: OpenStreams): Promise<void> {
  const job = ctx.store.require(id);
  if (ctx.paths.mode === 'shared') assertOwner(caller, job);
  const offset = whole(params, 'offset');
  const tail = whole(params, 'tail');
  const follow = params.get('follow') === '1';
  const file = ctx.store.toJob(job).logPath;
  const owner = job.uid ?? undefined;
  const opened = openOwned(file, owner);
  if (opened === 'refused') throw new GflowError('forbidden', `job ${id}'s log is not a plain file of its owner's where it should be (${file})`, 'the daemon reads logs only in their own place, never through a link: put the logs directory back');
  let fd = typeof opened === 'number' ? opened : undefined;
  let start = 0;
  let size = 0;
  if (fd !== undefined) {
    size = fs.fstatSync(fd).size;
    if (offset !== undefined) start = offset <= size ? offset : 0; // a shorter log is a new one (a requeue): from its start
    else if (tail !== undefined) start = Math.max(lastLinesStart(fd, size, tail), size - LOG_MAX_BYTES);
    else start = Math.max(0, size - LOG_MAX_BYTES);
  }
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': 'application/octet-stream',
    'cache-control': 'no-store',
    [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
    [LOG_START_HEADER]: String(start),
    [LOG_SIZE_HEADER]: String(size),
  });
  // The client learns at once that it is connected, also while a queued job has no log yet.
  res.flushHeaders();
  let at = start;
  const buf = Buffer.allocUnsafe(BLOCK);
  // Sends what the file has from `at` on (up to `limit`); respects a slow reader.
  const pump = async (limit: number): Promise<void> => {
    if (fd === undefined) return;
    while (at < limit && !res.destroyed) {
      const n = fs.readSync(fd, buf, 0, Math.min(BLOCK, limit - at), at);
      if (n === 0) return;
      at += n;
      if (!res.write(Buffer.from(buf.subarray(0, n)))) await new Promise<void>((r) => res.once('drain', r).once('close', r));
    }
  };
  try {
    if (!follow) {
      await pump(Math.min(size, start + LOG_MAX_BYTES));
      return;
    }
    const done = streams.add(res);
    let wake: (() => void) | undefined;
    let watcher: fs.FSWatcher | undefined;
    const closed = new Promise<void>((r) => res.once('close', r));
    try {
      for (;;) {
        fd ??= openRegular(file, owner);
        if (!watcher && fd !== undefined) {
          try {
            watcher = fs.watch(fdPath(fd), () => wake?.());
          } catch {
            // a safety-net check every CHECK_MS still finds new output
          }
        }
        const active = ACTIVE_STATES.includes(ctx.store.get(id)?.state ?? 'finished');
        await pump(Number.MAX_SAFE_INTEGER);
        if (!active || res.destroyed || streams.closing) return;
        await Promise.race([new Promise<void>((r) => { wake = r; setTimeout(r, CHECK_MS).unref(); }), closed, done]);
      }
    } finally {
      watcher?.close();
      streams.remove(res);
    }
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
    if (!res.destroyed) res.end();
  }
}
