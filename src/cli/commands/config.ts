// `gflow config get|set|list|path`: settings in ~/.config/gflow/config.json, through conf.
import Conf from 'conf';
import { resolvePaths } from '../../config/paths.js';
import { SETTING_ENV, SETTING_KEYS, SETTINGS_SCHEMA, defaultSettings, describeSetting, isSettingKey, parseSettingText, validSettingValue, type SettingKey, type Settings } from '../../config/schema.js';
import { resolveSettings } from '../../config/settings.js';
import { usage } from '../fail.js';

function store(): Conf<Partial<Settings>> {
  const paths = resolvePaths();
  return new Conf<Partial<Settings>>({ cwd: paths.configDir, configName: 'config', projectName: 'gflow', schema: SETTINGS_SCHEMA as never });
}

function key(k: string): SettingKey {
  if (!isSettingKey(k)) throw usage(`unknown setting '${k}'`, `settings: ${SETTING_KEYS.join(', ')}`);
  return k;
}

export function configGet(k: string): void {
  process.stdout.write(`${resolveSettings(resolvePaths())[key(k)]}\n`);
}

export function configSet(k: string, value: string): void {
  const name = key(k);
  const v = parseSettingText(name, value);
  if (!validSettingValue(name, v)) throw usage(`invalid value '${value}' for ${name}`, `give ${describeSetting(name)}`);
  store().set(name, v as never);
  process.stdout.write(`${name} = ${String(v)} (restart the daemon with \`gflowd restart\` to apply)\n`);
}

export function configList(): void {
  const paths = resolvePaths();
  const file = store().store;
  const effective = resolveSettings(paths);
  const defaults = defaultSettings();
  for (const k of SETTING_KEYS) {
    const env = process.env[SETTING_ENV[k]];
    const source = env ? `env ${SETTING_ENV[k]}` : file[k] !== undefined ? 'config file' : 'default';
    process.stdout.write(`${k.padEnd(13)} ${String(effective[k]).padEnd(8)} (${source}${source === 'default' ? '' : `; default ${defaults[k]}`})\n`);
  }
}

export function configPath(): void {
  process.stdout.write(`${resolvePaths().configFile}\n`);
}
