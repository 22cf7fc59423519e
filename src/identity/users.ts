// Unix accounts by UID, through the system's name service (`getent passwd`, so LDAP and
// other NSS sources count too), cached for the daemon's life.
import { execFileSync } from 'node:child_process';

export interface UnixUser {
  uid: number;
  gid: number;
  name: string;
  home: string;
  shell: string;
}

const cache = new Map<number, UnixUser | null>();

export function parsePasswdLine(line: string): UnixUser | undefined {
  const f = line.trim().split(':');
  if (f.length < 7 || !/^\d+$/.test(f[2]!) || !/^\d+$/.test(f[3]!)) return undefined;
  return { name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5]!, shell: f[6]! };
}

export function userById(uid: number): UnixUser | undefined {
  if (!cache.has(uid)) {
    let found: UnixUser | undefined;
    try {
      found = parsePasswdLine(execFileSync('getent', ['passwd', String(uid)], { encoding: 'utf8', timeout: 5000 }));
    } catch {
      found = undefined; // no such account
    }
    cache.set(uid, found ?? null);
  }
  return cache.get(uid) ?? undefined;
}
