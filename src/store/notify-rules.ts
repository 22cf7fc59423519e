// Standing notification rules (`gflow notify add|remove|list`), kept in the daemon's database
// so that both daemons of a reload, and every user of a shared daemon, see the same ones.
import type { Db } from './db.js';
import type { NotifyEvent } from '../core/notify-on.js';
import type { NotifyChannel } from '../protocol/notify.js';
import { Statements } from './statements.js';

export interface NotifyRule {
  id: number;
  uid: number;
  user: string;
  channel: NotifyChannel;
  target: string;
  events: NotifyEvent[];
  headers: Record<string, string>;
  allUsers: boolean;
  createdAt: number;
}

interface Row {
  id: number;
  uid: number;
  user: string;
  channel: NotifyChannel;
  target: string;
  events: string;
  headers: string | null;
  all_users: number;
  created_at: number;
}

const COLUMNS = 'id, uid, user, channel, target, events, headers, all_users, created_at';

function decode(r: Row): NotifyRule {
  return {
    id: r.id,
    uid: r.uid,
    user: r.user,
    channel: r.channel,
    target: r.target,
    events: JSON.parse(r.events) as NotifyEvent[],
    headers: r.headers === null ? {} : (JSON.parse(r.headers) as Record<string, string>),
    allUsers: r.all_users === 1,
    createdAt: r.created_at,
  };
}

export class NotifyRules {
  private readonly sql: Statements;

  constructor(db: Db) {
    this.sql = new Statements(db);
  }

  add(rule: Omit<NotifyRule, 'id'>): NotifyRule {
    const headers = Object.keys(rule.headers).length ? JSON.stringify(rule.headers) : null;
    const info = this.sql
      .get('INSERT INTO notify_rules (uid, user, channel, target, events, headers, all_users, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(rule.uid, rule.user, rule.channel, rule.target, JSON.stringify(rule.events), headers, rule.allUsers ? 1 : 0, rule.createdAt);
    return { ...rule, id: Number(info.lastInsertRowid) };
  }

  get(id: number): NotifyRule | undefined {
    const r = this.sql.get(`SELECT ${COLUMNS} FROM notify_rules WHERE id = ?`).get(id) as Row | undefined;
    return r && decode(r);
  }

  /** Removes a rule and what it still had to send. */
  remove(id: number): boolean {
    this.sql.get("DELETE FROM outbox WHERE rule_id = ? AND state = 'pending'").run(id);
    return this.sql.get('DELETE FROM notify_rules WHERE id = ?').run(id).changes > 0;
  }

  /** One owner's rules, or (uid null) everyone's. */
  list(uid: number | null): NotifyRule[] {
    const rows = (uid === null ? this.sql.get(`SELECT ${COLUMNS} FROM notify_rules ORDER BY id`).all() : this.sql.get(`SELECT ${COLUMNS} FROM notify_rules WHERE uid = ? ORDER BY id`).all(uid)) as Row[];
    return rows.map(decode);
  }

  /** The rules that see a job of this owner: the owner's own, and admins' rules for every user. */
  forJobOf(uid: number | null, user: string): NotifyRule[] {
    const rows = this.sql.get(`SELECT ${COLUMNS} FROM notify_rules WHERE uid = ? OR (? IS NULL AND user = ?) OR all_users = 1 ORDER BY id`).all(uid, uid, user) as Row[];
    return rows.map(decode);
  }

  /** Whether any rule exists (most events then cost nothing more). */
  any(): boolean {
    return this.sql.get('SELECT 1 FROM notify_rules LIMIT 1').get() !== undefined;
  }
}
