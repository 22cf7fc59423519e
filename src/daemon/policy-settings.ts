// The settings that shape sharing (src/config/schema.ts): projects and fair share, and what
// one user may put on the machine's disk. Read once per daemon, like every setting (env >
// config file > default; they have no flags), so that `gflow config set` applies at the next
// restart or reload, as documented.
import { resolvePaths } from '../config/paths.js';
import { parseProjectList, type Settings } from '../config/schema.js';
import { resolveSettings } from '../config/settings.js';
import type { FairShareSettings } from '../core/fair-share.js';
import { parseByteSize } from '../core/size.js';

export interface PolicySettings {
  /** allowed projects; empty: any */
  projects: string[];
  projectRequired: boolean;
  fairShare: FairShareSettings;
}

let cached: PolicySettings | undefined;

export function policySettings(): PolicySettings {
  if (!cached) {
    const s = resolveSettings(resolvePaths());
    cached = {
      projects: parseProjectList(s.projects),
      projectRequired: s.projectRequired,
      fairShare: { halfLifeHours: s.fairShareHalfLifeHours, gpuWeight: s.fairShareGpuWeight },
    };
  }
  return cached;
}

/** What admission holds every new or re-queued job to, besides quotas and projects. */
export interface AdmissionLimits {
  /** waiting jobs of a user whom no quota names (the built-in default quota); null: no limit */
  maxQueued: number | null;
  /** the environment a waiting job may keep, in bytes */
  maxEnvBytes: number;
  /** free bytes the state directory's disk keeps for the database; null: no guard */
  minFreeBytes: number | null;
}

// What Linux hands a program at most (ARG_MAX, 2 MiB with the usual stack): a bigger cap means
// nothing, and src/daemon/validate.ts refuses a bigger environment anyway.
const LINUX_ENV_MAX = 2 * 1024 * 1024;

export function admissionLimits(s: Pick<Settings, 'maxQueued' | 'maxEnv' | 'minFree'>): AdmissionLimits {
  return {
    maxQueued: s.maxQueued === 'off' ? null : Number(s.maxQueued),
    maxEnvBytes: Math.min(parseByteSize(s.maxEnv), LINUX_ENV_MAX),
    minFreeBytes: s.minFree === 'off' ? null : parseByteSize(s.minFree),
  };
}
