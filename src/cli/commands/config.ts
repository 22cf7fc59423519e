// `gflow config get|set|list|path`: settings in ~/.config/gflow/config.json, through conf.
// `gflow gpu allow` writes its setting through the same path (writeSetting).
import fs from 'node:fs';
import Conf from 'conf';
import { resolvePaths } from '../../config/paths.js';
import { SETTING_ENV, SETTING_KEYS, SETTINGS_SCHEMA, defaultSettings, describeSetting, isSettingKey, parseSettingText, validSettingValue, type SettingKey, type Settings } from '../../config/schema.js';
import { resolveSettings } from '../../config/settings.js';
import { ROUTES, type DaemonInfo } from '../../protocol/api.js';
import { toGflowError } from '../../protocol/errors.js';
import { Client } from '../../client/client.js';
import { usage } from '../fail.js';
import { SMTP_PASSWORD_KEY, smtpPasswordSource, writeSmtpPassword } from '../../config/smtp-password.js';

function store(): Conf<Partial<Settings>> {
  const paths = resolvePaths();
  return new Conf<Partial<Settings>>({ cwd: paths.configDir, configName: 'config', projectName: 'gflow', schema: SETTINGS_SCHEMA as never });
}

function key(k: string): SettingKey {
  if (!isSettingKey(k)) throw usage(`unknown setting '${k}'`, `settings: ${SETTING_KEYS.join(', ')}`);
  return k;
}

/** Validates and writes one setting to the config file; returns the value written. */
export function writeSetting(k: string, value: string): unknown {
  const name = key(k);
  const v = parseSettingText(name, value);
  if (!validSettingValue(name, v)) throw usage(`invalid value '${value}' for ${name}`, `give ${describeSetting(name)}`);
  store().set(name, v as never);
  return v;
}

export function configGet(k: string): void {
  // The password is never printed; only whether it is set.
  if (k === SMTP_PASSWORD_KEY) return void process.stdout.write(`(${smtpPasswordSource(resolvePaths())})\n`);
  process.stdout.write(`${resolveSettings(resolvePaths())[key(k)]}\n`);
}

export function configSet(k: string, value: string): void {
  if (k === SMTP_PASSWORD_KEY) return setSmtpPassword(value);
  const v = writeSetting(k, value);
  process.stdout.write(`${k} = ${String(v)} (restart the daemon with \`gflowd restart\` to apply)\n`);
}

/**
 * What the running daemon uses, when one runs: undefined when none runs. A daemon that runs
 * but cannot be asked is said in `problem`, and the list goes on without it.
 */
export async function runningDaemon(): Promise<{ info?: DaemonInfo; problem?: string } | undefined> {
  try {
    return { info: await new Client({ timeoutMs: 3000 }).request<DaemonInfo>('GET', ROUTES.daemon) };
  } catch (err) {
    const e = toGflowError(err);
    return e.code === 'daemon_not_running' ? undefined : { problem: e.message };
  }
}

export async function configList(): Promise<void> {
  const paths = resolvePaths();
  const file = store().store;
  const effective = resolveSettings(paths);
  const defaults = defaultSettings(paths.mode);
  const daemon = await runningDaemon();
  for (const k of SETTING_KEYS) {
    const env = process.env[SETTING_ENV[k]];
    const source = env ? `env ${SETTING_ENV[k]}` : file[k] !== undefined ? 'config file' : 'default';
    let line = `${k.padEnd(22)} ${String(effective[k]).padEnd(8)} (${source}${source === 'default' ? '' : `; default ${defaults[k]}`})`;
    // A daemon older than a setting does not send it.
    const running = (daemon?.info?.settings as Partial<Record<SettingKey, unknown>> | undefined)?.[k];
    if (running !== undefined && String(running) !== String(effective[k])) {
      const flag = daemon?.info?.flags[k as keyof DaemonInfo['flags']];
      line += `; running daemon: ${String(running)} (${flag !== undefined ? `flag --${k}` : 'as it was when it started'})`;
    }
    process.stdout.write(`${line}\n`);
  }
  process.stdout.write(`${SMTP_PASSWORD_KEY.padEnd(22)} (${smtpPasswordSource(paths)})\n`);
  if (daemon?.problem) process.stdout.write(`(the running daemon could not be asked what it uses: ${daemon.problem})\n`);
}

// `-` reads the password from stdin, so that it is in no shell history and no process list.
function setSmtpPassword(value: string): void {
  const password = value === '-' ? readStdinLine() : value;
  if (/[\r\n\0]/.test(password)) throw usage('the SMTP password must be one line');
  writeSmtpPassword(resolvePaths(), password);
  process.stdout.write(`${SMTP_PASSWORD_KEY} ${password === '' ? 'removed' : 'set'} (restart the daemon with \`gflowd restart\` to apply)\n`);
}

function readStdinLine(): string {
  let text: string;
  try {
    text = fs.readFileSync(0, 'utf8');
  } catch (err) {
    throw usage(`cannot read the password from stdin: ${(err as Error).message}`, 'pipe it in: gflow config set smtpPassword - < file');
  }
  return text.replace(/\r?\n$/, '');
}

export function configPath(): void {
  process.stdout.write(`${resolvePaths().configFile}\n`);
}
