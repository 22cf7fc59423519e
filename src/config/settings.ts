// Settings precedence, written once: command-line flag > environment > config file > default.
// Reads the config file directly (not through conf, which costs ~95 ms to import) because
// every CLI command needs the port.
import fs from 'node:fs';
import { GflowError } from '../protocol/errors.js';
import type { Paths } from './paths.js';
import { SETTING_ENV, SETTING_KEYS, defaultSettings, describeSetting, parseSettingText, validSettingValue, type Settings } from './schema.js';

export function resolveSettings(
  paths: Paths,
  flags: Partial<Settings> = {},
  env: NodeJS.ProcessEnv = process.env,
): Settings {
  const file = readConfigFile(paths.configFile);
  const settings: Record<string, unknown> = { ...defaultSettings(paths.mode) };
  for (const key of SETTING_KEYS) {
    const flag = flags[key];
    const envText = env[SETTING_ENV[key]];
    if (flag !== undefined) {
      settings[key] = checked(key, flag, `--${key}`);
    } else if (envText !== undefined && envText !== '') {
      settings[key] = checked(key, parseSettingText(key, envText), SETTING_ENV[key]);
    } else if (file[key] !== undefined) {
      settings[key] = checked(key, file[key], paths.configFile);
    }
  }
  return settings as unknown as Settings;
}

function checked(key: keyof Settings, value: unknown, source: string): unknown {
  if (!validSettingValue(key, value)) {
    throw new GflowError('usage', `invalid ${key} ${JSON.stringify(value)} from ${source}`, `${key} must be ${describeSetting(key)} (see \`gflow config list\`)`);
  }
  return value;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    // No file means no settings; a file that is there but cannot be read is the user's to fix.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new GflowError('usage', `cannot read config file ${file}: ${(err as Error).message}`, 'make it a file you can read (chmod 600), or remove it to use the defaults');
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new GflowError('usage', `config file ${file} is not a JSON object`, 'fix it or remove it, then run `gflow config list`');
}
