// The settings that shape sharing (src/config/schema.ts): projects and fair share. Read once
// per daemon, like every setting (env > config file > default; they have no flags), so that
// `gflow config set` applies at the next restart or reload, as documented.
import { resolvePaths } from '../config/paths.js';
import { parseProjectList } from '../config/schema.js';
import { resolveSettings } from '../config/settings.js';
import type { FairShareSettings } from '../core/fair-share.js';

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
