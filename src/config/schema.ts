// The settings a user can keep in the config file (`gflow config set …`), with their
// defaults. One definition serves the fast reader (src/config/settings.ts) and conf's
// validation (src/cli/commands/config.ts).
import os from 'node:os';
import { DEFAULT_PORT } from '../protocol/version.js';

export interface Settings {
  /** TCP port on 127.0.0.1 that the daemon listens on */
  port: number;
  /** CPU slots the scheduler hands out */
  cpus: number;
  /** seconds between SIGTERM and SIGKILL when a job is cancelled or times out */
  killGraceSec: number;
}

export const SETTING_KEYS = ['port', 'cpus', 'killGraceSec'] as const satisfies readonly (keyof Settings)[];
export type SettingKey = (typeof SETTING_KEYS)[number];

export function defaultSettings(): Settings {
  return { port: DEFAULT_PORT, cpus: os.availableParallelism(), killGraceSec: 10 };
}

// JSON schema for conf (ajv): every setting is an integer within its range.
export const SETTINGS_SCHEMA = {
  port: { type: 'integer', minimum: 1, maximum: 65535 },
  cpus: { type: 'integer', minimum: 1, maximum: 4096 },
  killGraceSec: { type: 'integer', minimum: 0, maximum: 86400 },
} as const;

// Environment variables that override the config file.
export const SETTING_ENV: Record<SettingKey, string> = {
  port: 'GFLOW_PORT',
  cpus: 'GFLOW_CPUS',
  killGraceSec: 'GFLOW_KILL_GRACE_SEC',
};

export function isSettingKey(key: string): key is SettingKey {
  return (SETTING_KEYS as readonly string[]).includes(key);
}

export function validSettingValue(key: SettingKey, value: unknown): value is number {
  const s = SETTINGS_SCHEMA[key];
  return typeof value === 'number' && Number.isInteger(value) && value >= s.minimum && value <= s.maximum;
}
