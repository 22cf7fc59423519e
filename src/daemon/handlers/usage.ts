// `gflow share`: every user's fair-share usage now (Slurm's sshare), with their running and
// waiting jobs. Open to everyone: the order it explains is everyone's.
import { usageNow } from '../../core/fair-share.js';
import type { UsageResponse } from '../../protocol/api.js';
import { policyStores } from '../../store/policy.js';
import { policySettings } from '../policy-settings.js';
import type { Answer, Ctx } from './context.js';

export function usage(ctx: Ctx): Answer {
  const { fairShare } = policySettings();
  const running = ctx.store.slimByState('running');
  const records = policyStores(ctx.store.db).usage.all();
  const now = usageNow(records, running, Date.now(), fairShare);
  const count = (list: readonly { user: string }[]): Map<string, number> => {
    const m = new Map<string, number>();
    for (const j of list) m.set(j.user, (m.get(j.user) ?? 0) + 1);
    return m;
  };
  const runningBy = count(running);
  const queuedBy = count(ctx.store.planningView());
  const jobsBy = new Map(records.map((r) => [r.user, r.jobs]));
  const users = new Set([...now.keys(), ...queuedBy.keys()]);
  const body: UsageResponse = {
    users: [...users]
      .map((user) => {
        const u = now.get(user);
        return { user, cpuHours: u?.cpuHours ?? 0, gpuHours: u?.gpuHours ?? 0, usage: u?.usage ?? 0, jobs: jobsBy.get(user) ?? 0, running: runningBy.get(user) ?? 0, queued: queuedBy.get(user) ?? 0 };
      })
      .sort((a, b) => a.usage - b.usage || a.user.localeCompare(b.user)),
    halfLifeHours: fairShare.halfLifeHours,
    gpuWeight: fairShare.gpuWeight,
  };
  return [200, body];
}
