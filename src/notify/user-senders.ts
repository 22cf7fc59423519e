// Webhooks of a user's rules leave from a process of that user (src/notify/webhook-worker.ts
// started as them, src/notify/as-owner.ts), never from the root daemon: the receiver — the
// daemon's own API too, which knows a caller by the UID owning the socket — sees the user, so a
// webhook can do nothing the user could not do with curl.
//
// One sender process per user, kept while the user's webhooks keep coming and ended after
// IDLE_MS without one. Measured (2 busy cores, a local receiver; webhook to 127.0.0.1): sent by
// the daemon itself 1.3-3.4 ms a delivery; a sender process per delivery (setpriv, node, the
// worker's modules) 254-341 ms and ~245 ms of CPU each — a 1,000-task array with an `end`
// webhook would cost four minutes of CPU; a living sender 2.5-3.8 ms one after another, ~2 ms
// four at a time, ~2.5 ms of CPU each (0.5 of them the daemon's). Its price is memory while
// it lives: ~80-95 MB RSS (node and its fetch), for IDLE_MS after the user's last webhook.
//
// The sender is the user's process: the user may stop, kill or trace it, so what it writes is
// read as untrusted (bounded lines, answers only to requests it was given), and every request
// has the daemon's own deadline besides the sender's: a sender that does not answer in time is
// killed, and its requests fail and are retried like any failed delivery.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Notification } from '../protocol/notify.js';
import { packagePath } from '../version.js';
import { launchAs } from './as-owner.js';
import type { WebhookAnswer, WebhookRequest } from './webhook-worker.js';

/** A user's sender process ends after this long without a webhook to send. */
export const IDLE_MS = 30_000;
// Time for the sender to start (node, as the user) on top of the webhook's own time limit.
const START_GRACE_MS = 10_000;
// An answer is an id and an error of a few hundred characters; a longer line is not an answer.
const MAX_ANSWER_LINE = 8192;
const MAX_STDERR = 2048;

interface Waiting {
  resolve: () => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** One sender process (as one user): many requests at once, answered by id. */
export class SenderProcess {
  private readonly child: ChildProcess;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private out = '';
  private stderr = '';
  private ended = false;
  private gone: string | null = null;

  constructor(uid: number | null, private readonly onGone: () => void = () => {}) {
    const l = launchAs(uid, [process.execPath, packagePath('dist/src/notify/webhook-worker.js')], '/');
    this.child = spawn(l.file, l.args, { cwd: l.cwd, env: l.env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: string) => this.read(chunk));
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (d: string) => {
      if (this.stderr.length < MAX_STDERR) this.stderr += d.slice(0, MAX_STDERR - this.stderr.length);
    });
    this.child.stdin!.on('error', () => {});
    this.child.on('error', (err) => this.stop(`cannot start the webhook sender: ${err.message}`));
    // Its last answers may still be in the pipe when it exits: they are read up to the pipe's close.
    this.child.on('exit', () => (this.ended = true));
    this.child.on('close', (code, signal) => this.stop(`the webhook sender stopped (${signal ?? `exit ${code}`})${this.stderr.trim() ? `: ${this.stderr.trim().split('\n').pop()}` : ''}`));
  }

  /** Whether it takes new requests (not ended, not gone). */
  get usable(): boolean {
    return !this.ended && this.gone === null;
  }

  get busy(): number {
    return this.waiting.size;
  }

  send(url: string, headers: Record<string, string>, notification: Notification, timeoutMs: number): Promise<void> {
    if (!this.usable) return Promise.reject(new Error(this.gone ?? 'the webhook sender is ending'));
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        // Its own time limit should have answered: the process is stuck or stopped.
        this.kill(`the webhook sender gave no answer within ${Math.round((timeoutMs + START_GRACE_MS) / 1000)} s and was stopped`);
      }, timeoutMs + START_GRACE_MS);
      this.waiting.set(id, { resolve, reject, timer });
      this.child.stdin!.write(`${JSON.stringify({ id, url, headers, notification, timeoutMs } satisfies WebhookRequest)}\n`);
    });
  }

  /** No more requests: it exits once it has answered the last. */
  end(): void {
    this.ended = true;
    this.child.stdin!.end();
  }

  /** Stops it now; its unanswered requests fail with `why`. */
  kill(why = 'the daemon stopped sending'): void {
    this.stop(why);
    // Until node has seen it exit, the child is unreaped and its pid cannot be another's.
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private read(chunk: string): void {
    this.out += chunk;
    let nl: number;
    while ((nl = this.out.indexOf('\n')) >= 0) {
      const line = this.out.slice(0, nl);
      this.out = this.out.slice(nl + 1);
      this.answer(line);
    }
    if (this.out.length > MAX_ANSWER_LINE) this.kill('the webhook sender wrote something that is not an answer');
  }

  private answer(line: string): void {
    let a: Partial<WebhookAnswer>;
    try {
      a = JSON.parse(line) as Partial<WebhookAnswer>;
    } catch {
      return;
    }
    const w = typeof a?.id === 'number' ? this.waiting.get(a.id) : undefined;
    if (!w) return;
    this.waiting.delete(a.id!);
    clearTimeout(w.timer);
    if (a.error === null) w.resolve();
    // The text goes to the daemon's log and `notify list`: no control characters of the user's.
    else w.reject(new Error(typeof a.error === 'string' && a.error ? a.error.slice(0, 1000).replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ') : 'the webhook sender gave no reason'));
  }

  private stop(why: string): void {
    if (this.gone !== null) return;
    this.gone = why;
    for (const w of this.waiting.values()) {
      clearTimeout(w.timer);
      w.reject(new Error(why));
    }
    this.waiting.clear();
    this.onGone();
  }
}

/** The senders of the users whose webhooks are being sent, one process each. */
export class UserSenders {
  private readonly procs = new Map<number | null, { proc: SenderProcess; idle: NodeJS.Timeout | null }>();
  private closed = false;

  constructor(private readonly idleMs = IDLE_MS) {}

  send(uid: number | null, url: string, headers: Record<string, string>, n: Notification, timeoutMs: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the daemon stopped sending'));
    let entry = this.procs.get(uid);
    if (!entry || !entry.proc.usable) {
      let proc: SenderProcess;
      try {
        proc = new SenderProcess(uid, () => {
          if (this.procs.get(uid)?.proc === proc) this.forget(uid);
        });
      } catch (err) {
        return Promise.reject(new Error(`cannot send as the rule's owner: ${(err as Error).message}`));
      }
      entry = { proc, idle: null };
      this.procs.set(uid, entry);
    }
    const e = entry;
    if (e.idle) clearTimeout(e.idle);
    e.idle = null;
    return e.proc.send(url, headers, n, timeoutMs).finally(() => {
      if (e.proc.busy > 0 || !e.proc.usable || this.procs.get(uid) !== e) return;
      e.idle = setTimeout(() => {
        this.forget(uid);
        e.proc.end();
      }, this.idleMs);
      e.idle.unref();
    });
  }

  /** How many sender processes run (for tests and the log). */
  get size(): number {
    return this.procs.size;
  }

  private forget(uid: number | null): void {
    const e = this.procs.get(uid);
    if (e?.idle) clearTimeout(e.idle);
    this.procs.delete(uid);
  }

  /** Stops every sender (the daemon stops sending; the next leader sends what was unanswered). */
  close(): void {
    this.closed = true;
    for (const [uid, e] of [...this.procs]) {
      this.forget(uid);
      e.proc.kill();
    }
  }
}
