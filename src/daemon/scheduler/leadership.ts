// Leadership: during a reload two daemons share the database. Only the holder of the lease
// (src/store/lease.ts) starts, ends, times out and stops jobs; the other serves the API and
// takes the lease as soon as it is released. Every daemon watches the database's WAL file,
// so a change made through either daemon (a submission, a cancel, a released lease) wakes
// the leader — or the waiting daemon — at once; a slow poll is only the safety net against a
// leader that dies holding the lease.
import fs from 'node:fs';
import path from 'node:path';
import type { Lease } from '../../store/lease.js';
import type { Logger } from '../logger.js';
import type { Clock } from './clock.js';

export interface LeadershipOptions {
  lease: Lease;
  /** the database file whose WAL is watched */
  dbFile: string;
  /** SQLite's data_version: changes when another connection commits */
  dataVersion: () => number;
  log: Logger;
  clock: Clock;
  /** called once this daemon holds the lease (adopt running jobs, then schedule) */
  onLead: () => Promise<void>;
  /** another connection changed the database while this daemon leads */
  onChange: () => void;
  /** another connection changed the database (whether this daemon leads or not) */
  onForeignChange?: () => void;
  followerPollMs?: number;
}

export class Leadership {
  private leader = false;
  private closed = false;
  private watcher: fs.FSWatcher | null = null;
  private poll: unknown = null;
  private version = -1;

  constructor(private readonly o: LeadershipOptions) {}

  get isLeader(): boolean {
    return this.leader;
  }

  async start(): Promise<void> {
    const walName = `${path.basename(this.o.dbFile)}-wal`;
    this.watcher = fs.watch(path.dirname(this.o.dbFile), (_event, file) => {
      if (file === walName) this.onDatabaseChange();
    });
    this.watcher.on('error', (err) => this.o.log.warn(`database watcher: ${err.message}`));
    await this.tryLead();
  }

  private onDatabaseChange(): void {
    const version = this.o.dataVersion();
    if (version === this.version) return;
    this.version = version;
    this.o.onForeignChange?.();
    if (this.leader) this.o.onChange();
    else void this.tryLead();
  }

  async tryLead(): Promise<void> {
    if (this.leader || this.closed) return;
    if (!this.o.lease.tryAcquire()) {
      if (this.poll === null) this.o.log.info(`waiting to schedule: pid ${this.o.lease.holder()?.pid} holds the scheduling lease`);
      this.schedulePoll();
      return;
    }
    this.leader = true;
    this.o.log.event('holding the scheduling lease');
    await this.o.onLead();
  }

  private schedulePoll(): void {
    if (this.poll !== null || this.closed) return;
    this.poll = this.o.clock.setTimeout(() => {
      this.poll = null;
      void this.tryLead();
    }, this.o.followerPollMs ?? 500);
  }

  /**
   * Whether this daemon still leads, checked in the database right before a decision is
   * written. A daemon that finds its lease gone steps down instead of acting.
   */
  confirm(): boolean {
    if (!this.leader || this.closed) return false;
    if (this.o.lease.holds()) return true;
    this.leader = false;
    this.o.log.warn(`lost the scheduling lease (now pid ${this.o.lease.holder()?.pid ?? 'none'}); waiting`);
    this.schedulePoll();
    return false;
  }

  /** Stops watching and releases the lease (if held). */
  close(): void {
    this.closed = true;
    this.watcher?.close();
    if (this.poll !== null) this.o.clock.clearTimeout(this.poll);
    if (this.leader) {
      this.o.lease.release();
      this.o.log.event('released the scheduling lease');
    }
    this.leader = false;
  }
}
