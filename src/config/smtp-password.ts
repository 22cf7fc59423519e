// The SMTP password is kept apart from the config file: config.json must stay readable (a
// shared daemon's users read its port there), the password must not. It lives in its own file,
// readable by the daemon's owner only, or comes from GFLOW_SMTP_PASSWORD. It is never printed
// (`gflow config list` says whether it is set) and never sent over the API.
import fs from 'node:fs';
import path from 'node:path';
import { writeFresh } from './safe-file.js';
import type { Paths } from './paths.js';

export const SMTP_PASSWORD_KEY = 'smtpPassword';
export const SMTP_PASSWORD_ENV = 'GFLOW_SMTP_PASSWORD';

export function smtpPasswordFile(paths: Paths): string {
  return path.join(paths.configDir, 'smtp-password');
}

/** The password, or '' when none is set. */
export function readSmtpPassword(paths: Paths, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[SMTP_PASSWORD_ENV];
  if (fromEnv) return fromEnv;
  try {
    return fs.readFileSync(smtpPasswordFile(paths), 'utf8').replace(/\r?\n$/, '');
  } catch {
    return '';
  }
}

/** Where the password comes from, for `gflow config list`. */
export function smtpPasswordSource(paths: Paths, env: NodeJS.ProcessEnv = process.env): string {
  if (env[SMTP_PASSWORD_ENV]) return `set, env ${SMTP_PASSWORD_ENV}`;
  return fs.existsSync(smtpPasswordFile(paths)) ? `set, ${smtpPasswordFile(paths)}` : 'not set';
}

/** Writes (or, given '', removes) the password file, mode 0600. */
export function writeSmtpPassword(paths: Paths, password: string): void {
  const file = smtpPasswordFile(paths);
  if (password === '') {
    fs.rmSync(file, { force: true });
    return;
  }
  fs.mkdirSync(paths.configDir, { recursive: true, mode: 0o700 });
  writeFresh(file, password, 0o600);
}
