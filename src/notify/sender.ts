// Sends what the outbox holds, in the daemon that holds the scheduling lease (during a reload
// only one daemon sends). Deliveries run in the background, a few at a time, each within a
// time limit, so the API never waits for a receiver. Each attempt is logged; a failed one is
// retried after a doubling wait, up to the attempt limit, then marked failed. A delivery is
// marked delivered only after the receiver accepted it, so a crash in between repeats it (the
// receiver sees the same delivery id) and never loses it. A webhook of a user's rule is sent
// from a process of that user (src/notify/user-senders.ts), a command runs as its owner.
import { backoffMs } from '../core/notify-on.js';
import type { Notification } from '../protocol/notify.js';
import type { Delivery, Outbox } from '../store/outbox.js';
import { ownedByDaemon } from './as-owner.js';
import { failureText } from './failure.js';
import { maskTarget } from './mask.js';
import { UserSenders } from './user-senders.js';
import { sendWebhook } from './webhook.js';
import { runCommand } from './command.js';
import { sendEmail, type SmtpSettings } from './email.js';
import { readLogTail } from './log-tail.js';

/** Where deliveries say what they did: the daemon hands its own log. */
export interface DeliveryLog {
  info(msg: string): void;
  warn(msg: string): void;
}

export interface SenderOptions {
  outbox: Outbox;
  log: DeliveryLog;
  /** whether this daemon sends now (it holds the scheduling lease) */
  leads: () => boolean;
  /** whether a daemon's pid is alive (its claims are left to lapse) */
  alive: (pid: number) => boolean;
  /** a job's log file, for an e-mail's last lines */
  logPathOf: (job: { id: number; uid: number | null }) => string;
  smtp: SmtpSettings;
  maxAttempts: number;
  backoffMs: number;
  timeoutMs: number;
  concurrency?: number;
  pid?: number;
}

// What the other daemon of a reload writes is noticed when its commit touches the WAL (the
// scheduler's watch calls `foreignChange`); pending deliveries are looked at every
// SAFETY_POLL_MS in any case.
const SAFETY_POLL_MS = 5000;
const PRUNE_EVERY_MS = 3600_000;
const KEEP_DELIVERED_MS = 7 * 86_400_000;
const KEEP_FAILED_MS = 30 * 86_400_000;
const DEFAULT_SLOTS = 8;

// A fair share of the delivery slots. Deliveries of one owner (a user, or root for the admin's
// rules) may hold at most half of them at once, however many of theirs are due: ten slow
// command rules of one user then leave the other half free, so another user's notification
// starts at once instead of after the slow ones (a cap only while others wait would not do:
// the slots would already be held when the other user's notification arrives). A freed slot
// goes to the owner with the fewest in flight (src/store/outbox.ts claimDue), so users beyond
// the first two take turns too. A lone owner's slow receivers go half as wide; fast ones do
// not notice.
export const shareOf = (slots: number): number => Math.ceil(slots / 2);

export class NotifySender {
  private inFlight = 0;
  private readonly byOwner = new Map<number | null, number>();
  private readonly users = new UserSenders();
  private closed = false;
  private queued = false;
  private wake: NodeJS.Timeout | null = null;
  private readonly poll: NodeJS.Timeout;
  private readonly pruner: NodeJS.Timeout;
  private readonly pid: number;
  private readonly concurrency: number;

  constructor(private readonly o: SenderOptions) {
    this.pid = o.pid ?? process.pid;
    this.concurrency = o.concurrency ?? DEFAULT_SLOTS;
    this.poll = setInterval(() => this.check(), SAFETY_POLL_MS);
    this.poll.unref();
    this.pruner = setInterval(() => this.prune(), PRUNE_EVERY_MS);
    this.pruner.unref();
  }

  /** This daemon now leads: deliveries a dead daemon was sending are due at once. */
  onLead(): void {
    this.guard('taking over deliveries', () => {
      const n = this.o.outbox.releaseDeadClaims(this.o.alive, Date.now());
      if (n > 0) this.o.log.info(`notifications: ${n} delivery(ies) a stopped daemon was sending are sent again`);
    });
    this.kick();
  }

  private dataVersion = -1;
  private lastLook = 0;

  /** Another connection committed (it may have queued deliveries). */
  foreignChange(): void {
    this.kick();
  }

  private check(): void {
    if (this.closed || !this.o.leads() || !this.o.outbox.db.open) return;
    this.guard('watching the outbox', () => {
      const v = this.o.outbox.dataVersion();
      if (v === this.dataVersion && Date.now() - this.lastLook < SAFETY_POLL_MS) return;
      this.dataVersion = v;
      this.kick();
    });
  }

  /** Looks for due deliveries soon (coalesced). */
  kick(): void {
    if (this.closed || this.queued) return;
    this.queued = true;
    setImmediate(() => {
      this.queued = false;
      this.guard('sending notifications', () => this.run());
    });
  }

  private run(): void {
    if (this.closed || !this.o.leads() || !this.o.outbox.db.open) return;
    this.lastLook = Date.now();
    const free = this.concurrency - this.inFlight;
    const now = Date.now();
    if (free > 0) {
      // Held longer than an attempt can last (an e-mail's whole conversation may take two time
      // limits; a user's sender has its start on top): a daemon that dies mid-delivery frees it then.
      const claimed = this.o.outbox.claimDue(now, free, this.pid, now + 2 * this.o.timeoutMs + 10_000, { perOwner: shareOf(this.concurrency), inFlight: this.byOwner });
      for (const d of claimed) {
        this.inFlight++;
        this.byOwner.set(d.uid, (this.byOwner.get(d.uid) ?? 0) + 1);
        void this.attempt(d).finally(() => {
          this.inFlight--;
          const left = this.byOwner.get(d.uid)! - 1;
          if (left > 0) this.byOwner.set(d.uid, left);
          else this.byOwner.delete(d.uid);
          this.kick();
        });
      }
    }
    this.scheduleWake(now);
  }

  // Wakes when the next retry is due (the safety poll covers the rest); what is due already
  // waits for a slot, and the end of a delivery looks again.
  private scheduleWake(now: number): void {
    const due = this.o.outbox.nextDue(now);
    if (this.wake) clearTimeout(this.wake);
    this.wake = null;
    if (due === undefined || this.inFlight >= this.concurrency) return;
    this.wake = setTimeout(() => this.kick(), Math.max(0, Math.min(due - Date.now(), SAFETY_POLL_MS)) + 5);
    this.wake.unref();
  }

  private async attempt(d: Delivery): Promise<void> {
    const what = `notification ${d.id} (${d.channel} ${maskTarget(d.channel, d.target)}${d.jobId !== null ? `, job ${d.jobId}` : ''})`;
    this.o.log.info(`${what}: attempt ${d.attempts} of ${this.o.maxAttempts}`);
    let error: string | null = null;
    try {
      await this.send(d);
    } catch (err) {
      error = failureText(err, this.o.timeoutMs);
    }
    if (this.closed || !this.o.outbox.db.open) return;
    this.guard('recording a delivery', () => {
      const now = Date.now();
      if (error === null) {
        this.o.outbox.delivered(d.id, now);
        this.o.log.info(`${what}: delivered`);
      } else if (d.attempts >= this.o.maxAttempts) {
        this.o.outbox.failed(d.id, now, error);
        this.o.log.warn(`${what}: attempt ${d.attempts} failed: ${error}; giving up (see \`gflow notify list\`)`);
      } else {
        const wait = backoffMs(d.attempts, this.o.backoffMs);
        this.o.outbox.retryAt(d.id, now + wait, error);
        this.o.log.warn(`${what}: attempt ${d.attempts} failed: ${error}; next in ${wait < 1000 ? `${wait} ms` : `${Math.round(wait / 1000)} s`}`);
      }
    });
  }

  private async send(d: Delivery): Promise<void> {
    const n = JSON.parse(d.payload) as Notification;
    if (d.channel === 'webhook') {
      // Root's own rules (and a personal daemon's user's) leave from the daemon; anyone else's
      // from their own process, so that no receiver takes a user's webhook for root's request.
      if (ownedByDaemon(d.uid)) return sendWebhook(d.target, d.headers, n, this.o.timeoutMs);
      return this.users.send(d.uid, d.target, d.headers, n, this.o.timeoutMs);
    }
    if (d.channel === 'command') return runCommand(d.target, d.uid, n, this.o.timeoutMs);
    const ended = n.job !== null && n.notify !== 'start';
    // The log is in its owner's directory (an admin's rule for every user is not the owner).
    const owner = n.job ? (this.o.outbox.noticeJob(n.job.id)?.uid ?? d.uid) : null;
    const path = n.job ? this.o.logPathOf({ id: n.job.id, uid: owner }) : null;
    return sendEmail(this.o.smtp, d.target, n, { path, tail: ended && path ? readLogTail(path, owner ?? undefined) : null }, this.o.timeoutMs);
  }

  private prune(): void {
    this.guard('pruning the outbox', () => {
      if (!this.o.leads() || !this.o.outbox.db.open) return;
      const now = Date.now();
      const n = this.o.outbox.prune(now - KEEP_DELIVERED_MS, now - KEEP_FAILED_MS);
      if (n > 0) this.o.log.info(`notifications: removed ${n} old delivery record(s)`);
    });
  }

  // A database error (busy, closing) must not take the daemon down; the next round tries again.
  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      if (!this.closed) this.o.log.warn(`${what}: ${(err as Error).message}`);
    }
  }

  /** Stops sending; what this daemon was sending is due at once for the next leader. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.poll);
    clearInterval(this.pruner);
    if (this.wake) clearTimeout(this.wake);
    this.users.close();
    try {
      if (this.o.outbox.db.open) this.o.outbox.releaseClaims(this.pid, Date.now());
    } catch {
      // the claims lapse by themselves
    }
  }
}
