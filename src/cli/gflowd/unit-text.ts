// The systemd unit that runs gflowd as a service: the system unit for the machine's shared
// daemon, or a user unit for one user's personal daemon. Pure: what goes in comes from
// src/cli/gflowd/service.ts.
//
// Why the unit looks the way it does:
//
// - The daemon still lives in the tmux session gflow_server (`sudo tmux attach -t gflow_server`
//   keeps working): systemd runs `gflowd up`, which starts it there and returns once it answers.
//   The daemon is then a child of the tmux server, not of systemd, and `gflowd reload` replaces
//   it with another process. systemd cannot follow such a main process: it cannot wait for a
//   process that is not its child (older versions do not notice when one exits), and a user
//   manager refuses a PIDFile= naming a process outside the unit's cgroup (the user's tmux
//   server often runs already, started from a login). So Type=oneshot with RemainAfterExit=yes: the unit is
//   active while started, and each systemctl verb runs the gflowd command that does the work:
//   start → `gflowd up` (a daemon that already runs, say one started by hand, is left as it is
//   and counts as up), stop → `gflowd down`, reload → `gflowd reload`. `gflowd status` tells
//   whether the daemon answers.
// - Jobs outlive the daemon (a product rule): jobs run in tmux servers that the daemon starts,
//   root's own and, in shared mode, each user's (through setpriv), and all of those land in
//   this unit's cgroup. systemd's default KillMode=control-group would kill every one of them
//   on `systemctl stop` or `restart`. KillMode=process kills only the main process, and a
//   oneshot unit has none left once `gflowd up` returned: a stop runs `gflowd down` and
//   nothing else. (KillMode=none would do the same but is deprecated.) A reboot still ends
//   the jobs; the next daemon records them as ended by it.
// - TasksMax=infinity: every job's processes and threads count against the unit's task limit
//   (by default 15% of the machine's pids), which a few data loaders would exhaust.
// - Restart=on-failure: a start at boot that fails (say the port is still taken) is tried again.
// - Absolute paths of the node and the gflowd that wrote the unit, and a PATH with tmux's
//   directory: a service gets no login shell's environment. Variables that decide where the
//   daemon keeps its state, its port and its tmux server (XDG_*_HOME, TMUX_TMPDIR, GFLOW_*) are
//   copied from the environment the unit was written in, so the service runs the same daemon
//   that `gflowd up` in that shell would.
// - Ordered after the network, remote file systems (jobs' directories may be on NFS) and user
//   lookups (LDAP accounts): queued jobs start again as soon as the daemon is up.

export type UnitScope = 'system' | 'user';

export interface UnitInput {
  scope: UnitScope;
  /** absolute path of node */
  node: string;
  /** absolute path of the package's bin/gflowd */
  gflowd: string;
  /** Environment= lines (name → value), PATH included */
  env: Record<string, string>;
}

export const UNIT_NAME = 'gflow.service';

// systemd expands %specifiers everywhere and $VARIABLES in Exec lines; quotes keep spaces.
function quoted(word: string, exec: boolean): string {
  let w = word.replace(/%/g, '%%');
  if (exec) w = w.replace(/\$/g, '$$$$');
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `"${w.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The gflowd command line the unit runs for one verb (up, down, reload). */
export function unitCommand(u: Pick<UnitInput, 'scope' | 'node' | 'gflowd'>, verb: 'up' | 'down' | 'reload'): string {
  const mode = u.scope === 'system' ? '--shared' : '--personal';
  return [u.node, u.gflowd, verb, mode].map((w) => quoted(w, true)).join(' ');
}

export function unitText(u: UnitInput): string {
  const shared = u.scope === 'system';
  const lines = [
    `# ${shared ? "The machine's shared gflowd, for every user" : 'Your personal gflowd'}, started at boot; written by \`gflowd service install${shared ? '' : ' --user'}\`.`,
    `# The daemon runs in the tmux session gflow_server (watch it: ${shared ? 'sudo ' : ''}tmux attach -t gflow_server).`,
    '# Stopping or restarting the service never stops jobs.',
    '[Unit]',
    `Description=gflow job scheduler (${shared ? 'shared daemon' : 'personal daemon'})`,
    ...(shared ? ['After=network.target remote-fs.target nss-user-lookup.target'] : []),
    '',
    '[Service]',
    'Type=oneshot',
    'RemainAfterExit=yes',
    ...Object.entries(u.env).map(([k, v]) => `Environment=${quoted(`${k}=${v}`, false)}`),
    `ExecStart=${unitCommand(u, 'up')}`,
    `ExecReload=${unitCommand(u, 'reload')}`,
    `ExecStop=${unitCommand(u, 'down')}`,
    'KillMode=process',
    'TasksMax=infinity',
    'TimeoutStartSec=120',
    'Restart=on-failure',
    'RestartSec=10',
    '',
    '[Install]',
    `WantedBy=${shared ? 'multi-user.target' : 'default.target'}`,
  ];
  return `${lines.join('\n')}\n`;
}
