// The notification outbox. A row is written inside the transaction of the change it tells of
// (src/notify/outbox-writer.ts), so a notification exists exactly when its change does; the
// sender (src/notify/sender.ts) claims due rows, sends them, and marks them delivered only
// after the receiver said yes — a crash in between sends again, never loses one.
import type { JobRecord } from '../core/job.js';
import type { NotifyChannel, DeliveryState } from '../protocol/notify.js';
import type { Db } from './db.js';
import { selectList } from './job-columns.js';
import { Statements } from './statements.js';

export interface NewDelivery {
  key: string;
  eventId: number | null;
  ruleId: number | null;
  jobId: number | null;
  uid: number | null;
  user: string;
  channel: NotifyChannel;
  target: string;
  headers: Record<string, string>;
  /** JSON text of the Notification */
  payload: string;
  at: number;
}

export interface Delivery extends Omit<NewDelivery, 'at'> {
  id: number;
  state: DeliveryState;
  attempts: number;
  nextAt: number;
  lastError: string | null;
  createdAt: number;
}

interface Row {
  id: number;
  key: string;
  event_id: number | null;
  rule_id: number | null;
  job_id: number | null;
  uid: number | null;
  user: string;
  channel: NotifyChannel;
  target: string;
  headers: string | null;
  payload: string;
  state: DeliveryState;
  attempts: number;
  next_at: number;
  last_error: string | null;
  created_at: number;
}

const COLUMNS = 'id, key, event_id, rule_id, job_id, uid, user, channel, target, headers, payload, state, attempts, next_at, last_error, created_at';

function toDelivery(r: Row): Delivery {
  return {
    id: r.id,
    key: r.key,
    eventId: r.event_id,
    ruleId: r.rule_id,
    jobId: r.job_id,
    uid: r.uid,
    user: r.user,
    channel: r.channel,
    target: r.target,
    headers: r.headers === null ? {} : (JSON.parse(r.headers) as Record<string, string>),
    payload: r.payload,
    state: r.state,
    attempts: r.attempts,
    nextAt: r.next_at,
    lastError: r.last_error,
    createdAt: r.created_at,
  };
}

/** What a notification needs of its job, read in the transaction of the change. */
export const NOTICE_KEYS = ['id', 'uid', 'user', 'name', 'state', 'exitCode', 'signal', 'endedBy', 'submittedAt', 'startedAt', 'finishedAt', 'notifyOn', 'mailUser'] as const;
export type NoticeJob = Pick<JobRecord, (typeof NOTICE_KEYS)[number]>;
const NOTICE = selectList(NOTICE_KEYS);

// An error kept for `notify list` is one line of bounded length.
const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim().slice(0, 500);

export class Outbox {
  private readonly sql: Statements;

  constructor(readonly db: Db) {
    this.sql = new Statements(db);
  }

  noticeJob(id: number): NoticeJob | undefined {
    return this.sql.decoded(NOTICE_KEYS, `SELECT ${NOTICE} FROM jobs WHERE id = ?`, id)[0];
  }

  enqueue(d: NewDelivery): number {
    const headers = Object.keys(d.headers).length ? JSON.stringify(d.headers) : null;
    const info = this.sql
      .get('INSERT INTO outbox (key, event_id, rule_id, job_id, uid, user, channel, target, headers, payload, next_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(d.key, d.eventId, d.ruleId, d.jobId, d.uid, d.user, d.channel, d.target, headers, d.payload, d.at, d.at);
    return Number(info.lastInsertRowid);
  }

  get(id: number): Delivery | undefined {
    const r = this.sql.get(`SELECT ${COLUMNS} FROM outbox WHERE id = ?`).get(id) as Row | undefined;
    return r && toDelivery(r);
  }

  /**
   * Takes up to `limit` due deliveries for daemon `pid`: each counts an attempt and is held
   * until `until` (then another daemon may take it: its sender died mid-delivery). Owners take
   * turns: the next slot goes to the owner with the fewest deliveries in flight (`inFlight`,
   * by uid, counting what this call takes; the oldest due first among equals), and no owner
   * gets more than `perOwner` at once.
   */
  claimDue(now: number, limit: number, pid: number, until: number, share: { perOwner: number; inFlight: ReadonlyMap<number | null, number> } = { perOwner: limit, inFlight: new Map() }): Delivery[] {
    return this.db
      .transaction(() => {
        const queues: { uid: number | null; rows: Row[]; taken: number }[] = [];
        for (const uid of this.pendingOwners()) {
          const taken = share.inFlight.get(uid) ?? 0;
          const room = Math.min(share.perOwner - taken, limit);
          if (room <= 0) continue;
          const rows = this.sql.get(`SELECT ${COLUMNS} FROM outbox INDEXED BY outbox_owner_due WHERE state = 'pending' AND uid IS ? AND next_at <= ? ORDER BY next_at, id LIMIT ?`).all(uid, now, room) as Row[];
          if (rows.length > 0) queues.push({ uid, rows, taken });
        }
        const picked: Row[] = [];
        while (picked.length < limit) {
          let next: (typeof queues)[number] | undefined;
          for (const q of queues) {
            if (q.rows.length === 0) continue;
            if (!next || q.taken < next.taken || (q.taken === next.taken && q.rows[0]!.next_at < next.rows[0]!.next_at)) next = q;
          }
          if (!next) break;
          picked.push(next.rows.shift()!);
          next.taken++;
        }
        const claim = this.sql.get('UPDATE outbox SET claimed_by = ?, next_at = ?, attempts = attempts + 1 WHERE id = ?');
        for (const r of picked) claim.run(pid, until, r.id);
        return picked.map((r) => ({ ...toDelivery(r), attempts: r.attempts + 1, nextAt: until }));
      })
      .immediate();
  }

  // The owners with pending deliveries, one index seek each (outbox_owner_due): a flood of one
  // owner's rows is skipped, not walked. NULL (a job's --mail-user without an owner) last.
  // INDEXED BY here and below: without statistics SQLite prefers outbox_by_state (state = ?)
  // and walks every pending row — 6-25 ms a query with 20,000 pending instead of microseconds.
  private pendingOwners(): (number | null)[] {
    const uids = (
      this.sql
        .get(
          `WITH RECURSIVE owner(uid) AS (
             SELECT (SELECT min(uid) FROM outbox INDEXED BY outbox_owner_due WHERE state = 'pending')
             UNION ALL
             SELECT (SELECT min(uid) FROM outbox INDEXED BY outbox_owner_due WHERE state = 'pending' AND uid > owner.uid) FROM owner WHERE owner.uid IS NOT NULL
           ) SELECT uid FROM owner WHERE uid IS NOT NULL`,
        )
        .all() as { uid: number }[]
    ).map((r) => r.uid as number | null);
    if (this.sql.get("SELECT 1 FROM outbox INDEXED BY outbox_owner_due WHERE state = 'pending' AND uid IS NULL LIMIT 1").get()) uids.push(null);
    return uids;
  }

  delivered(id: number, now: number): void {
    this.sql.get("UPDATE outbox SET state = 'delivered', claimed_by = NULL, done_at = ?, last_error = NULL WHERE id = ? AND state = 'pending'").run(now, id);
  }

  retryAt(id: number, at: number, error: string): void {
    this.sql.get("UPDATE outbox SET claimed_by = NULL, next_at = ?, last_error = ? WHERE id = ? AND state = 'pending'").run(at, oneLine(error), id);
  }

  failed(id: number, now: number, error: string): void {
    this.sql.get("UPDATE outbox SET state = 'failed', claimed_by = NULL, done_at = ?, last_error = ? WHERE id = ? AND state = 'pending'").run(now, oneLine(error), id);
  }

  /** Deliveries held by daemons that are gone (`alive` says which pids still run) are due now. */
  releaseDeadClaims(alive: (pid: number) => boolean, now: number): number {
    const pids = (this.sql.get("SELECT DISTINCT claimed_by AS pid FROM outbox WHERE state = 'pending' AND claimed_by IS NOT NULL").all() as { pid: number }[]).map((r) => r.pid);
    let n = 0;
    for (const pid of pids.filter((p) => !alive(p))) n += this.releaseClaims(pid, now);
    return n;
  }

  /** This daemon's claims become due now (it stops sending; the next leader sends them). */
  releaseClaims(pid: number, now: number): number {
    return this.sql.get("UPDATE outbox SET claimed_by = NULL, next_at = ? WHERE state = 'pending' AND claimed_by = ?").run(now, pid).changes;
  }

  /** Changes when another connection (the other daemon of a reload) commits. */
  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  /**
   * When the next pending delivery falls due after `now` (ms), if any. What is due already and
   * was not taken waits for a slot (its owner's share full, or all slots): the end of a
   * delivery frees one and looks again.
   */
  nextDue(now: number): number | undefined {
    const r = this.sql.get("SELECT min(next_at) AS at FROM outbox INDEXED BY outbox_due WHERE state = 'pending' AND next_at > ?").get(now) as { at: number | null };
    return r.at ?? undefined;
  }

  /** Pending and failed deliveries, newest first: one owner's, or (uid null) everyone's. */
  unfinished(uid: number | null, limit: number): Delivery[] {
    const rows = (
      uid === null
        ? this.sql.get(`SELECT ${COLUMNS} FROM outbox WHERE state IN ('pending', 'failed') ORDER BY id DESC LIMIT ?`).all(limit)
        : this.sql.get(`SELECT ${COLUMNS} FROM outbox WHERE state IN ('pending', 'failed') AND uid = ? ORDER BY id DESC LIMIT ?`).all(uid, limit)
    ) as Row[];
    return rows.map(toDelivery);
  }

  /** Removes delivered rows older than `deliveredBefore` and failed ones older than `failedBefore`. */
  prune(deliveredBefore: number, failedBefore: number): number {
    return this.sql.get("DELETE FROM outbox WHERE (state = 'delivered' AND done_at < ?) OR (state = 'failed' AND done_at < ?)").run(deliveredBefore, failedBefore).changes;
  }
}
