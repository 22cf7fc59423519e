// What restart and reload carry over from the running daemon: the options it was given on the
// command line (--port, --cpus, --gpus), unless new ones are given now. They are read from the
// daemon itself (GET /v1/daemon) before it is stopped or replaced; when it cannot say, nothing
// is changed, unless every option was given anyway.
import { ROUTES, type DaemonInfo } from '../../protocol/api.js';
import { GflowError, toGflowError } from '../../protocol/errors.js';
import { Client } from '../../client/client.js';
import type { DaemonFlags } from './daemon-session.js';
import { listeningPort } from './find-daemon.js';

export interface CarriedOver {
  /** the port the running daemon listens on (where it was asked) */
  oldPort: number;
  /** the options for its successor */
  flags: DaemonFlags;
}

const ask = (port: number, timeoutMs: number): Promise<DaemonInfo> =>
  // An older daemon (another protocol) can still say how it runs: that is how an upgrade rolls out.
  new Client({ port, anyProtocol: true, timeoutMs }).request<DaemonInfo>('GET', ROUTES.daemon);

/** `settingsPort`: where the settings say the daemon listens (asked first). */
export async function carryOver(pid: number, given: DaemonFlags, settingsPort: number, command: 'reload' | 'restart'): Promise<CarriedOver> {
  const allGiven = given.port !== undefined && given.cpus !== undefined && given.gpus !== undefined;
  // An answer from its pid on the settings' port settles where it listens; only otherwise is
  // /proc searched (its socket tables take 100s of ms to read with thousands of TIME_WAIT
  // sockets on the machine, as under load).
  let info: DaemonInfo | undefined;
  let failure: unknown;
  try {
    info = await ask(settingsPort, allGiven ? 1000 : 5000);
  } catch (err) {
    failure = err;
  }
  let oldPort = settingsPort;
  if (info?.pid !== pid) {
    oldPort = listeningPort(pid) ?? settingsPort;
    info = undefined;
  }
  if (allGiven) return { oldPort, flags: given };
  try {
    if (!info && failure && oldPort === settingsPort) throw failure;
    info ??= await ask(oldPort, 5000);
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
