// Settings older gflow versions kept in the database, moved to where they live now.
import fs from 'node:fs';
import path from 'node:path';
import type { SettingsStore } from '../store/settings.js';
import type { Logger } from './logger.js';

/**
 * The GPU allow-list of `gflow gpu allow` was a database setting that silently beat every
 * other layer; it is now the config file's `gpus` (flag > environment > config file >
 * default). A stored list moves to the config file unless that already sets `gpus`.
 * PIDs ignored by PID alone are dropped: a reused PID must not be ignored too.
 */
export function moveLegacyGpuAllowList(settings: SettingsStore, configFile: string, log: Logger): void {
  const stored = settings.get<number[] | null>('allowed_gpus');
  if (settings.get('ignored_gpu_pids') !== undefined) {
    settings.delete('ignored_gpu_pids');
    log.warn('ignored GPU processes stored by an older gflow were dropped (they named PIDs only); ignore them again with `gflow gpu ignore`');
  }
  if (stored === undefined) return;
  const text = stored === null ? 'all' : stored.join(',');
  let config: Record<string, unknown> = {};
  try {
    config = JSON.parse(fs.readFileSync(configFile, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (config.gpus === undefined) {
    fs.mkdirSync(path.dirname(configFile), { recursive: true, mode: 0o700 });
    const tmp = `${configFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify({ ...config, gpus: text }, null, '\t')}\n`, { mode: 0o600 });
    fs.renameSync(tmp, configFile);
    log.info(`moved the GPU allow-list (${text}) from the database to ${configFile}`);
  } else {
    log.warn(`dropped the GPU allow-list stored by an older gflow (${text}); ${configFile} sets gpus = ${String(config.gpus)}`);
  }
  settings.delete('allowed_gpus');
}
