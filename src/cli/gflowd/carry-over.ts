// What restart and reload carry over from the running daemon: the options it was given on the
// command line (--port, --cpus, --gpus), unless new ones are given now. They are read from the
// daemon itself (GET /v1/daemon) before it is stopped or replaced; when it cannot say, nothing
// is changed, unless every option was given anyway.
import { ROUTES, type DaemonInfo } from '../../protocol/api.js';
import { GflowError, toGflowError } from '../../protocol/errors.js';
import { Client } from '../client.js';
import type { DaemonFlags } from './daemon-session.js';
import { listeningPort } from './find-daemon.js';

export interface CarriedOver {
  /** the port the running daemon listens on (where it was asked) */
  oldPort: number;
  /** the options for its successor */
  flags: DaemonFlags;
}

/** `fallbackPort`: where to ask when /proc does not tell which port the daemon listens on. */
export async function carryOver(pid: number, given: DaemonFlags, fallbackPort: number, command: 'reload' | 'restart'): Promise<CarriedOver> {
  const oldPort = listeningPort(pid) ?? fallbackPort;
  if (given.port !== undefined && given.cpus !== undefined && given.gpus !== undefined) return { oldPort, flags: given };
  let info: DaemonInfo;
  try {
    // An older daemon (another protocol) can still say how it runs: that is how an upgrade rolls out.
    info = await new Client({ port: oldPort, anyProtocol: true, timeoutMs: 5000 }).request<DaemonInfo>('GET', ROUTES.daemon);
  } catch (err) {
    throw new GflowError(
      'daemon_unhealthy',
      `cannot read the running daemon's options (pid ${pid}, port ${oldPort}): ${toGflowError(err).message}; nothing was changed`,
      `give them all on the command line: gflowd ${command} --port ${oldPort} --cpus <n> --gpus <all|list>`,
    );
  }
  const old = info.flags ?? {};
  const flags: DaemonFlags = { port: given.port ?? old.port, cpus: given.cpus ?? old.cpus, gpus: given.gpus ?? old.gpus };
  for (const k of ['executor', 'partition', 'account', 'qos'] as const) {
    const v = given[k] ?? old[k];
    if (v !== undefined) Object.assign(flags, { [k]: v });
  }
  return { oldPort, flags };
}
