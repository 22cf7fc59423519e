// How a shared daemon (root) runs something as one of its users: setpriv switches to the
// account's UID and group (and its supplementary groups, unless the work needs none), and the
// program gets the account's own environment, never the daemon's (which may hold the SMTP
// password or root's TMUX_TMPDIR). Written once for jobs' tmux servers, signals, file removals
// and notifications (docs/architecture/shared-mode.md).

export interface Account {
  uid: number;
  gid: number;
  name: string;
  home: string;
  shell?: string;
}

/**
 * setpriv's arguments up to and including `--`. groups: false clears the supplementary groups
 * (kill(1) needs none, and looking them up reads the group database each time).
 */
export function switchTo(a: Account, o: { groups?: boolean } = {}): string[] {
  return [`--reuid=${a.uid}`, `--regid=${a.gid}`, o.groups === false ? '--clear-groups' : '--init-groups', '--'];
}

/** The environment a program run as `a` starts from. */
export function accountEnv(a: Account): NodeJS.ProcessEnv {
  return {
    HOME: a.home,
    USER: a.name,
    LOGNAME: a.name,
    ...(a.shell ? { SHELL: a.shell } : {}),
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: process.env.LANG ?? 'C.UTF-8',
  };
}
