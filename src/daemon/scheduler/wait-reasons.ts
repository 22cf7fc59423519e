// Why queued jobs wait, as stored: a pass is told each waiting job's reason as the planner gives
// it, and writes only those that changed. On a full machine whose key (fullMachineKey in
// src/core/plan.ts) is the one of the last pass, a job that did not change would get the reason
// it has: only the changed jobs are planned again, so such a pass does not grow with the queue.
import { fullMachineKey, type Capacity } from '../../core/plan.js';
import { shortReason, type WaitReason } from '../../protocol/wait-reason.js';
import type { JobStore, PlanJob } from '../../store/jobs.js';
import type { QueueView } from './queue-view.js';

export class WaitReasons {
  /** the key the stored reasons were given under; undefined: not a full machine, or unknown */
  private lastKey: string | undefined;
  private key: string | undefined;
  private changed = new Map<number, string>();
  // Many jobs share one reason object (a full machine): each is put in words once.
  private texts = new Map<WaitReason, string>();
  private lastReason: WaitReason | undefined;
  private lastText = '';

  constructor(
    private readonly store: JobStore,
    private readonly queue: QueueView,
  ) {}

  /** Starts a pass: the plain jobs (see QueueView) to plan, all or only those that changed. */
  begin(cap: Capacity): readonly PlanJob[] {
    this.key = fullMachineKey(cap);
    const changed = this.queue.takeChanged();
    const same = this.key !== undefined && this.key === this.lastKey && changed !== null && !this.queue.asks.noCpu;
    this.lastKey = undefined; // until this pass has written its reasons
    this.changed = new Map();
    this.texts = new Map();
    this.lastReason = undefined;
    return same ? changed : this.queue.plainJobs();
  }

  /** Told of each waiting job's reason. */
  readonly note = (q: PlanJob, r: WaitReason): void => {
    if (r !== this.lastReason) {
      this.lastReason = r;
      this.lastText = this.texts.get(r) ?? shortReason(r);
      this.texts.set(r, this.lastText);
    }
    if (this.lastText !== q.reason) this.changed.set(q.id, this.lastText);
  };

  /** Ends a pass: stores the reasons that changed. `started`: whether the pass starts jobs. */
  end(started: boolean): void {
    if (this.changed.size) {
      this.store.setWaitReasons(this.changed);
      for (const [id, text] of this.changed) this.queue.setReason(id, text);
    }
    this.lastKey = started ? undefined : this.key;
  }
}
