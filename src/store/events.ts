// The event log (src/protocol/events.ts). An event is appended inside the transaction of the
// change it describes, so it exists exactly when the change does. Ids come from AUTOINCREMENT
// and writers are serialised by SQLite, so ids are committed in increasing order: a reader that
// asks for `id > last` never skips one, whichever daemon wrote it.
import { EVENTS_VERSION, type EventType, type GflowEvent, type JobEventData, type JobEventType } from '../protocol/events.js';
import type { JobRecord } from '../core/job.js';
import type { JobState } from '../protocol/job.js';
import type { Statements } from './statements.js';

export interface EventFilter {
  after: number;
  job?: number;
  types?: readonly EventType[];
  limit: number;
}

interface EventRow {
  id: number;
  at: number;
  type: EventType;
  job_id: number | null;
  data: string;
}

/** What a job event tells of the job: enough to redraw a queue line, nothing private. */
export function jobEventData(job: JobRecord, fields?: string[]): JobEventData {
  const data: JobEventData = { id: job.id, name: job.name, user: job.user, state: job.state, reason: job.reason, exitCode: job.exitCode, endedBy: job.endedBy, gpuIds: job.gpuIds };
  if (fields) data.fields = fields;
  return data;
}

/** An event as it is appended, before it is committed. */
export interface NewEvent {
  id: number;
  type: EventType;
  job: number | null;
  data: object;
  at: number;
}

export class EventLog {
  /** told after each append (the daemon's event hub delivers once the transaction commits) */
  onAppend: () => void = () => {};
  /** told of each event inside its transaction: what they write commits or rolls back with it */
  private readonly writers: ((e: NewEvent) => void)[] = [];

  constructor(private readonly sql: Statements) {}

  /** Adds a writer that acts on each event in the event's own transaction (e.g. a notification outbox). */
  onWrite(writer: (e: NewEvent) => void): void {
    this.writers.push(writer);
  }

  /** Appends one event; call it inside the transaction of the change. */
  append(type: EventType, job: number | null, data: object, at: number): number {
    const info = this.sql.get('INSERT INTO events (at, type, job_id, data) VALUES (?, ?, ?, ?)').run(at, type, job, JSON.stringify(data));
    const id = Number(info.lastInsertRowid);
    for (const w of this.writers) w({ id, type, job, data, at });
    this.onAppend();
    return id;
  }

  appendJob(type: JobEventType, job: JobRecord, at: number, fields?: string[]): number {
    return this.append(type, job.id, jobEventData(job, fields), at);
  }

  /** Events after `after`, oldest first, at most `limit`. */
  since(f: EventFilter): GflowEvent[] {
    const [where, args] = whereOf(f);
    return this.select(`WHERE id > ?${where} ORDER BY id LIMIT ?`, f.after, ...args, f.limit);
  }

  /** The events after `after` (at most `limit`), as just their ids and the jobs they are about. */
  jobsSince(after: number, limit: number): { id: number; job: number | null }[] {
    return this.sql.get('SELECT id, job_id AS job FROM events WHERE id > ? ORDER BY id LIMIT ?').all(after, limit) as { id: number; job: number | null }[];
  }

  /** The id of the newest event (0 when there is none). */
  lastId(): number {
    return (this.sql.get("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0) AS n").get() as { n: number }).n;
  }

  /** The newest `n` events that match, oldest first. */
  latest(f: Omit<EventFilter, 'after' | 'limit'>, n: number): GflowEvent[] {
    const [where, args] = whereOf(f);
    return this.select(`WHERE 1${where} ORDER BY id DESC LIMIT ?`, ...args, n).reverse();
  }

  private select(clause: string, ...args: (string | number)[]): GflowEvent[] {
    return (this.sql.get(`SELECT id, at, type, job_id, data FROM events ${clause}`).all(...args) as EventRow[]).map(toEvent);
  }

  /** Removes events older than `before` and all but the newest `keep`; how many went. */
  prune(before: number, keep: number): number {
    const cut = this.lastId() - keep;
    return this.sql.get('DELETE FROM events WHERE at < ? OR id <= ?').run(before, cut).changes;
  }

  /** The id of the oldest event kept (a client that asks for older ones missed some). */
  firstId(): number | null {
    return (this.sql.get('SELECT min(id) AS n FROM events').get() as { n: number | null }).n;
  }
}

/** The filter's conditions, each starting with AND, and their arguments. */
function whereOf(f: Pick<EventFilter, 'job' | 'types'>): [string, (string | number)[]] {
  let where = '';
  const args: (string | number)[] = [];
  if (f.job !== undefined) {
    where += ' AND job_id = ?';
    args.push(f.job);
  }
  if (f.types && f.types.length > 0) {
    where += ` AND type IN (${f.types.map(() => '?').join(',')})`;
    args.push(...f.types);
  }
  return [where, args];
}

function toEvent(r: EventRow): GflowEvent {
  return { v: EVENTS_VERSION, id: r.id, type: r.type, at: new Date(r.at).toISOString(), job: r.job_id, data: JSON.parse(r.data) as GflowEvent['data'] };
}

/** The event a legal state change is (src/core/transitions.ts decides which changes are legal). */
export function eventOfMove(from: JobState, to: JobState): JobEventType {
  if (to === 'running') return 'job.started';
  if (to === 'hold') return 'job.held';
  if (to === 'cancelled') return 'job.cancelled';
  if (to === 'queued') return from === 'hold' ? 'job.released' : 'job.requeued';
  return 'job.ended';
}
