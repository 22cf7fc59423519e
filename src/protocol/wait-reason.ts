// Why a queued job waits, as the planner (src/core/plan.ts) decides it. Structured on the
// wire (`gflow why` renders it); `shortReason` is what `gflow queue` shows, in Slurm's words.

export type WaitReason =
  /** dependencies that have not finished yet */
  | { kind: 'dependency'; unmet: number[] }
  /** a dependency failed and the job was submitted with --no-auto-cancel */
  | { kind: 'dependencyNeverSatisfied'; failed: number }
  /** a dependency failed: the job is cancelled at the next pass (auto-cancel) */
  | { kind: 'dependencyFailed'; failed: number }
  /** singleton: another job of its name and user is active */
  | { kind: 'singleton'; blocker: number }
  | { kind: 'beginTime'; at: number }
  | { kind: 'groupLimit'; limit: number }
  /** asks for more than the daemon has at all */
  | { kind: 'tooManyCpus'; need: number; total: number }
  | { kind: 'tooManyGpus'; need: number; usable: number }
  /** CPU slots are taken */
  | { kind: 'resources'; need: number; free: number }
  /** GPUs are taken */
  | { kind: 'gpus'; need: number; free: number }
  /** a quota of the owner or of the job's project (`gflow quota`): running jobs or GPUs held */
  | { kind: 'quota'; scope: 'user' | 'project'; name: string; limit: 'running' | 'gpus'; max: number; used: number; need: number }
  /** --mem does not fit into the machine's free memory (freeMb: after what running jobs declared) */
  | { kind: 'memory'; needMb: number; freeMb: number; totalMb: number }
  /** the GPUs it could use are reserved for another user until `until` (`gflow reserve`) */
  | { kind: 'reservation'; id: number; user: string; until: number };

export function shortReason(r: WaitReason): string {
  switch (r.kind) {
    case 'dependency':
      return `Dependency ${r.unmet.join(',')}`;
    case 'dependencyNeverSatisfied':
      return `DependencyNeverSatisfied ${r.failed}`;
    case 'dependencyFailed':
      return `DependencyFailed ${r.failed}`;
    case 'singleton':
      return `Singleton ${r.blocker}`;
    case 'beginTime':
      return `BeginTime ${new Date(r.at).toISOString()}`;
    case 'groupLimit':
      return `GroupLimit ${r.limit}`;
    case 'tooManyCpus':
      return `needs ${r.need} CPUs, daemon has ${r.total}`;
    case 'tooManyGpus':
      return `needs ${r.need} GPUs, ${r.usable} usable`;
    case 'resources':
      return 'Resources';
    case 'gpus':
      return 'WaitingForGpu';
    case 'quota':
      return 'Quota';
    case 'memory':
      return 'Memory';
    case 'reservation':
      return `Reservation ${r.id}`;
  }
}
