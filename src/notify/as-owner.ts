// How a notification's process is started as the rule's owner. A shared daemon runs as root
// and must never act for a user with root's rights: a command rule, and a webhook (whose
// receiver may be the daemon's own API, which knows callers by the UID owning their socket),
// run in a process of the owner's account — setpriv switches to its UID, group and
// supplementary groups, as jobs are started — with that account's environment, not the
// daemon's (which may hold the SMTP password). A rule of the daemon's own account (a personal
// daemon's user, a shared daemon's admin) is the daemon's to run.
import { userById } from '../identity/users.js';
import { accountEnv, switchTo } from '../identity/as-account.js';
import { SMTP_PASSWORD_ENV } from '../config/smtp-password.js';

export const myUid = process.getuid?.() ?? 0;

export interface Launch {
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Whether a rule of `uid` is the daemon's own (run in the daemon's account). */
export function ownedByDaemon(uid: number | null): boolean {
  return uid === null || uid === myUid;
}

/** `argv` run as account `uid`; throws when there is no such account. */
export function launchAs(uid: number | null, argv: string[], cwd?: string): Launch {
  if (ownedByDaemon(uid)) {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env[SMTP_PASSWORD_ENV];
    return { file: argv[0]!, args: argv.slice(1), env, cwd: cwd ?? (process.env.HOME || '/') };
  }
  const u = userById(uid!);
  if (!u) throw new Error(`no account with uid ${uid} on this machine`);
  return {
    file: 'setpriv',
    args: [...switchTo(u), ...argv],
    env: accountEnv(u),
    cwd: cwd ?? (u.home || '/'),
  };
}
