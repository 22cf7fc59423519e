// Notifications in the daemon: the standing rules, the outbox written with every change, and
// the sender. Wired once at start (src/daemon/main.ts).
import type { Settings } from '../config/schema.js';
import type { JobStore } from '../store/jobs.js';
import { NotifyRules } from '../store/notify-rules.js';
import { Outbox } from '../store/outbox.js';
import { outboxWriter } from './outbox-writer.js';
import { NotifySender, type DeliveryLog } from './sender.js';

export class Notify {
  readonly rules: NotifyRules;
  readonly outbox: Outbox;
  readonly sender: NotifySender;

  constructor(
    store: JobStore,
    o: {
      log: DeliveryLog;
      settings: Settings;
      smtpPassword: string;
      leads: () => boolean;
      alive: (pid: number) => boolean;
      logPathOf: (job: { id: number; uid: number | null }) => string;
    },
  ) {
    this.rules = new NotifyRules(store.db);
    this.outbox = new Outbox(store.db);
    const s = o.settings;
    this.sender = new NotifySender({
      outbox: this.outbox,
      log: o.log,
      leads: o.leads,
      alive: o.alive,
      logPathOf: o.logPathOf,
      smtp: { host: s.smtpHost, port: s.smtpPort, from: s.smtpFrom, user: s.smtpUser, password: o.smtpPassword },
      maxAttempts: s.notifyMaxAttempts,
      backoffMs: s.notifyBackoffMs,
      timeoutMs: s.notifyTimeoutSec * 1000,
    });
    store.events.onWrite(outboxWriter({ outbox: this.outbox, rules: this.rules, onQueued: () => this.sender.kick() }));
  }
}
