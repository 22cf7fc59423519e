// A stand-in executor for unit tests of the scheduler: launches, ends and stops happen when
// the test says so. (End-to-end tests use the real tmux executor.)
import type { Outcome } from '../../src/core/end-state.js';
import type { Executor, Inspection, LaunchSpec, Placement, StartedJob, StopOptions } from '../../src/executor/executor.js';

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: Error) => void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export class FakeExecutor implements Executor {
  /** launches in flight, by job id: resolve with a pid, or reject */
  readonly launches = new Map<number, Deferred<number>>();
  readonly launched: LaunchSpec[] = [];
  /** what `inspect` answers, by job id (running unless set) */
  readonly outcomes = new Map<number, Outcome>();
  readonly stops: { id: number; pid: number | null }[] = [];
  /** what a stop leaves behind: the job's ending as the executor will see it */
  stopOutcome: Outcome = { exit: { exitCode: 143, signal: 'SIGTERM' }, serverLost: false };
  private notify: (id: number) => void = () => {};
  private nextPid = 1000;

  start(onMaybeEnded: (id: number) => void): Promise<void> {
    this.notify = onMaybeEnded;
    return Promise.resolve();
  }

  readonly signals: { id: number; signal: string }[] = [];

  signal(job: StartedJob, signal: NodeJS.Signals): Promise<number> {
    this.signals.push({ id: job.id, signal });
    return Promise.resolve(1);
  }

  purge(): Promise<void> {
    return Promise.resolve();
  }

  archiveLog(): Promise<string | null> {
    return Promise.resolve(null);
  }

  sendKeys(): Promise<void> {
    return Promise.resolve();
  }

  placeFor(job: { id: number }): string {
    return `fake-${job.id}`;
  }

  /** Launches stay pending until `finishLaunch` unless `autoLaunch` is set. */
  autoLaunch = true;

  launch(spec: LaunchSpec): Promise<Placement> {
    this.launched.push(spec);
    const d = deferred<number>();
    this.launches.set(spec.job.id, d);
    if (this.autoLaunch) d.resolve(this.nextPid++);
    return d.promise.then((pid) => ({ pid }));
  }

  finishLaunch(id: number): void {
    this.launches.get(id)!.resolve(this.nextPid++);
  }

  /** The job ends on its own: the executor notices and tells the scheduler. */
  end(id: number, outcome: Outcome): void {
    this.outcomes.set(id, outcome);
    this.notify(id);
  }

  inspect(job: StartedJob): Promise<Inspection> {
    const outcome = this.outcomes.get(job.id);
    return Promise.resolve(outcome ? { kind: 'ended', outcome } : { kind: 'running', pid: job.pid ?? 1 });
  }

  stop(job: StartedJob, _o: StopOptions): Promise<void> {
    this.stops.push({ id: job.id, pid: job.pid });
    this.outcomes.set(job.id, this.stopOutcome);
    return Promise.resolve();
  }

  dispose(): Promise<boolean> {
    return Promise.resolve(false);
  }

  tokenOf(): string | undefined {
    return undefined;
  }

  readonly forgotten: number[] = [];

  forget(job: StartedJob): Promise<void> {
    this.forgotten.push(job.id);
    this.outcomes.delete(job.id);
    return Promise.resolve();
  }

  keepScript(job: { id: number }): string {
    return `/nonexistent/${job.id}.script`;
  }

  logPath(job: { id: number }): string {
    return `/nonexistent/${job.id}.log`;
  }

  async close(): Promise<void> {}
}
