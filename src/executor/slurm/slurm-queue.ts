// What Slurm has of this daemon's jobs, read with one `squeue` for all of them (never one call
// per job), shared by every look within `maxAgeMs`. A watch compares successive reads and says
// which jobs changed (started on a node, ended, vanished), so ends that leave no status file
// (a cancel while pending, a node failure) are noticed within a poll.
import { jobIdOfTag } from './mapping.js';
import { runSlurm } from './slurm-cli.js';
import { parseSqueue, SQUEUE_FORMAT, type SlurmJobInfo } from './slurm-state.js';

export interface QueueSnapshot {
  at: number;
  bySlurmId: Map<number, SlurmJobInfo>;
  /** this daemon's jobs by gflow job id (from the --comment tag) */
  byJobId: Map<number, SlurmJobInfo>;
}

export class SlurmQueue {
  private last: QueueSnapshot | undefined;
  private reading: { at: number; done: Promise<QueueSnapshot> } | undefined;
  private poll: NodeJS.Timeout | undefined;

  constructor(
    private readonly daemonId: string,
    private readonly warn: (message: string) => void,
  ) {}

  /**
   * A read started no earlier than `notBefore` (ms since the epoch) and no older than `maxAgeMs`:
   * a job submitted at T is looked for in a read started after T.
   */
  async snapshot(maxAgeMs = 250, notBefore = 0): Promise<QueueSnapshot> {
    const since = Math.max(notBefore, Date.now() - maxAgeMs);
    for (;;) {
      if (this.last && this.last.at >= since) return this.last;
      if (this.reading && this.reading.at >= since) return this.reading.done;
      if (this.reading) {
        await this.reading.done.catch(() => {});
        continue;
      }
      const at = Date.now();
      const done = this.read(at).finally(() => {
        this.reading = undefined;
      });
      this.reading = { at, done };
      return done;
    }
  }

  private async read(at: number): Promise<QueueSnapshot> {
    // --me: only this account's jobs; -t all: ended ones too, while Slurm keeps them (MinJobAge).
    const r = await runSlurm('squeue', ['--me', '-h', '-t', 'all', '-o', SQUEUE_FORMAT]);
    if (r.code !== 0) throw new Error(`squeue failed: ${(r.stderr || r.stdout).trim()}`);
    const bySlurmId = new Map<number, SlurmJobInfo>();
    const byJobId = new Map<number, SlurmJobInfo>();
    for (const info of parseSqueue(r.stdout)) {
      const id = jobIdOfTag(this.daemonId, info.comment);
      if (id === undefined) continue;
      bySlurmId.set(info.slurmId, info);
      // A job requeued by gflow is submitted again: the newest submission is the one that counts.
      const seen = byJobId.get(id);
      if (!seen || seen.slurmId < info.slurmId) byJobId.set(id, info);
    }
    this.last = { at, bySlurmId, byJobId };
    return this.last;
  }

  /** Reads every `everyMs` while `active()`; calls `changed(jobId)` for jobs whose state or node changed. */
  watch(everyMs: number, active: () => boolean, changed: (jobId: number) => void): void {
    let previous = new Map<number, string>();
    const tick = async (): Promise<void> => {
      if (!active()) return;
      try {
        const snap = await this.snapshot(everyMs / 2);
        const now = new Map<number, string>();
        for (const [id, info] of snap.byJobId) now.set(id, `${info.slurmId}|${info.state}|${info.node}`);
        for (const [id, key] of now) if (previous.get(id) !== key) changed(id);
        for (const id of previous.keys()) if (!now.has(id)) changed(id);
        previous = now;
      } catch (err) {
        this.warn((err as Error).message);
      }
    };
    this.poll = setInterval(() => void tick(), everyMs);
  }

  close(): void {
    if (this.poll) clearInterval(this.poll);
  }
}
