// `gflowd run`: the daemon itself, as the tmux session gflow_server runs it.
// Boot: paths → log → database → token → scheduler (adopts running jobs) → HTTP.
// SIGTERM / SIGINT / SIGHUP: finish in-flight requests, stop, exit 0. Jobs keep running in
// their own tmux sessions and are adopted by the next daemon.
import fs from 'node:fs';
import chalk from 'chalk';
import { resolvePaths, jobLogPath } from '../config/paths.js';
import { resolveSettings } from '../config/settings.js';
import { parseGpuList, type Settings } from '../config/schema.js';
import { ensureToken } from '../config/token.js';
import { installWrapper } from '../executor/wrapper.js';
import { GflowError, toGflowError } from '../protocol/errors.js';
import { DEFAULT_HOST, PROTOCOL_VERSION } from '../protocol/version.js';
import { openDatabase, schemaVersion } from '../store/db.js';
import { JobStore } from '../store/jobs.js';
import { packageVersion } from '../version.js';
import { listenReusePort, type Listener } from './listen.js';
import { Gpus } from './gpus.js';
import { Logger } from './logger.js';
import { Scheduler } from './scheduler.js';
import { closeControlClient, useControlClient } from '../tmux/tmux.js';
import { createApiServer } from './server.js';

export async function runDaemon(flags: Partial<Settings>): Promise<void> {
  process.title = 'gflowd';
  const paths = resolvePaths();
  fs.mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  const log = new Logger({ file: paths.daemonLog });
  const startedAt = new Date();
  const version = packageVersion();
  const fail = (err: unknown): never => {
    const e = toGflowError(err);
    log.error(`${e.message}${e.hint ? ` — ${e.hint}` : ''}`);
    process.exit(1);
  };
  process.on('uncaughtException', (err) => log.error(`uncaught: ${err.stack ?? err.message}`));
  process.on('unhandledRejection', (err) => log.error(`unhandled rejection: ${String(err)}`));

  let settings: Settings;
  try {
    settings = resolveSettings(paths, flags);
  } catch (err) {
    return fail(err);
  }
  const banner = `gflowd ${version} · pid ${process.pid} · http://${DEFAULT_HOST}:${settings.port} · ${settings.cpus} CPU slots`;
  log.raw(chalk.bold.magenta(banner), banner);
  for (const [label, where] of [['state', paths.stateDir], ['config', paths.configDir], ['log', paths.daemonLog]] as const) {
    log.raw(`  ${chalk.dim(label.padEnd(7))}${where}`, `  ${label.padEnd(7)}${where}`);
  }

  let store: JobStore;
  try {
    const db = openDatabase(paths.db);
    store = new JobStore(db, (id) => jobLogPath(paths, id));
    log.info(`database ${paths.db} (schema ${schemaVersion(db)})`);
  } catch (err) {
    return fail(err);
  }
  let token: string;
  try {
    token = ensureToken(paths.tokenFile);
  } catch (err) {
    return fail(new GflowError('start_failed', `cannot create the API token ${paths.tokenFile}: ${(err as Error).message}`, 'check that the config directory is writable and the token is a file'));
  }
  // The scheduler is told when GPU availability changes; it exists by the time that happens.
  let onGpuChange = (): void => {};
  const gpus = new Gpus(store, log, parseGpuList(settings.gpus), settings.gpuStrategy, () => onGpuChange());
  if (flags.gpus !== undefined) gpus.setAllowed(parseGpuList(flags.gpus));
  const scheduler = new Scheduler({
    store,
    paths,
    log,
    gpus,
    wrapper: installWrapper(paths.stateDir),
    cpus: settings.cpus,
    killGraceMs: settings.killGraceSec * 1000,
  });
  const server = createApiServer({
    ctx: { store, paths, log, scheduler, gpus, cpus: settings.cpus },
    token,
    info: () => ({ pid: process.pid, version, settings, flags }),
    health: () => ({ status: 'ok', pid: process.pid, version, protocol: PROTOCOL_VERSION, startedAt: startedAt.toISOString(), scheduling: scheduler.isLeader }),
  });
  let listener: Listener;
  try {
    listener = await listenReusePort(server, DEFAULT_HOST, settings.port);
  } catch (err) {
    return fail(err);
  }
  onGpuChange = () => scheduler.requestPass();
  useControlClient();
  await gpus.start();
  await scheduler.start();
  log.event(`listening on ${DEFAULT_HOST}:${settings.port}; ready`);

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) {
      log.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    log.event(
      signal === 'SIGUSR2'
        ? 'SIGUSR2: handing over to the new daemon: finishing this pass, releasing the lease, finishing in-flight requests'
        : `${signal}: finishing in-flight requests and stopping (jobs keep running)`,
    );
    // A hung shutdown must not leave a half-dead daemon behind.
    setTimeout(() => {
      log.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000).unref();
    // Scheduling stops first, so that the lease is free while this daemon still answers.
    await scheduler.close();
    if (signal === 'SIGUSR2') await listener.handOver();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    store.db.close();
    closeControlClient();
    log.event('stopped');
    log.close();
    process.exit(0);
  };
  // SIGUSR2 is the reload hand-over; it differs from a stop only in what it says.
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR2'] as const) process.on(sig, () => void shutdown(sig));
}
