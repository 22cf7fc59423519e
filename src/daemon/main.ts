// `gflowd run`: the daemon itself, as the tmux session gflow_server runs it.
// Boot: paths → log → database → token → scheduler (adopts running jobs) → HTTP.
// SIGTERM / SIGINT / SIGHUP: finish in-flight requests, stop, exit 0. Jobs keep running in
// their own tmux sessions and are adopted by the next daemon.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import chalk from 'chalk';
import { resolvePaths } from '../config/paths.js';
import { resolveSettings } from '../config/settings.js';
import { startRetention } from './retention.js';
import { fileRemovals } from './file-removals.js';
import { parseSpan } from '../core/span.js';
import { parseGpuList, type Settings } from '../config/schema.js';
import { ensureToken } from '../config/token.js';
import { gpuLockDir } from '../executor/gpu-locks.js';
import { chooseExecutor, executorMismatch, type ExecutorChoice } from './executor-factory.js';
import { GflowError, toGflowError } from '../protocol/errors.js';
import { DEFAULT_HOST, PROTOCOL_VERSION } from '../protocol/version.js';
import { openDatabase, schemaVersion } from '../store/db.js';
import { JobStore } from '../store/jobs.js';
import { SettingsStore } from '../store/settings.js';
import { packageVersion } from '../version.js';
import { listenReusePort, type Listener } from './listen.js';
import { Gpus } from './gpus.js';
import { Logger } from './logger.js';
import { moveLegacyGpuAllowList } from './legacy-settings.js';
import { prepareStateDir, protectDatabase, removeDiscovery, writeDiscovery } from './state-dir.js';
import { Scheduler } from './scheduler/scheduler.js';
import { createApiServer } from './server.js';
import { readJson } from './http.js';
import { identify, type Identity } from './identify.js';
import { parseId } from './validate.js';
import { EventHub } from './events/hub.js';
import { DaemonEvents, startEventPruning } from './events/daemon-events.js';
import { startStatusLine } from './status-line.js';
import { ABANDONED, watchAbandonedReload } from './reload-watch.js';
import { RELOAD_OF_ENV } from '../protocol/events.js';
import { DiskGuard, guardStorage, startDailyBackup } from './storage-guard.js';
import { admissionLimits } from './policy-settings.js';
import { Lease } from '../store/lease.js';
import { keepIdsAboveMark } from '../store/id-mark.js';
import { startCheckpointer } from '../store/checkpointer.js';
import { Notify } from '../notify/service.js';
import { readSmtpPassword } from '../config/smtp-password.js';
import { isAlive } from '../executor/proc.js';
import { Web } from '../web/web.js';

/**
 * Fault injection for tests: a daemon started with GFLOW_TEST_DIE_AFTER_LEAD=<file> exits as soon
 * as it takes the scheduling lease, once (it removes the file): what a crash right after a
 * reload's hand-over does.
 */
function dieIfAsked(): void {
  const file = process.env.GFLOW_TEST_DIE_AFTER_LEAD;
  if (!file || !fs.existsSync(file)) return;
  fs.rmSync(file, { force: true });
  process.exit(1);
}

export async function runDaemon(flags: Partial<Settings>): Promise<void> {
  process.title = 'gflowd';
  const paths = resolvePaths();
  // Before the log exists (it lives in the state directory): the reason goes to stderr.
  try {
    prepareStateDir(paths);
  } catch (err) {
    const e = toGflowError(err);
    process.stderr.write(`gflowd: ${e.message}${e.hint ? ` — ${e.hint}` : ''}\n`);
    process.exit(1);
  }
  const log = new Logger({ file: paths.daemonLog });
  const startedAt = new Date();
  const version = packageVersion();
  const fail = (err: unknown): never => {
    const e = toGflowError(err);
    log.error(`${e.message}${e.hint ? ` — ${e.hint}` : ''}`);
    process.exit(1);
  };
  // A bug must not leave a daemon running on in an unknown state: say why and exit. Jobs
  // keep running in tmux; the next `gflowd up` adopts them.
  const die = (what: string, err: unknown): void => {
    log.error(`${what}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    log.error('gflowd exits; running jobs keep running, and `gflowd up` adopts them');
    log.close();
    process.exit(70);
  };
  process.on('uncaughtException', (err) => die('uncaught exception', err));
  process.on('unhandledRejection', (err) => die('unhandled promise rejection', err));

  let settings: Settings;
  try {
    settings = resolveSettings(paths, flags);
  } catch (err) {
    return fail(err);
  }
  const banner = `gflowd ${version} · ${paths.mode} · pid ${process.pid} · http://${DEFAULT_HOST}:${settings.port} · ${settings.cpus} CPU slots`;
  log.raw(chalk.bold.magenta(banner), banner);
  for (const [label, where] of [['state', paths.stateDir], ['config', paths.configDir], ['log', paths.daemonLog]] as const) {
    log.raw(`  ${chalk.dim(label.padEnd(7))}${where}`, `  ${label.padEnd(7)}${where}`);
  }

  let choice: ExecutorChoice;
  try {
    choice = chooseExecutor(settings, paths, (message) => log.warn(message));
  } catch (err) {
    return fail(err);
  }
  const { executor } = choice;
  if (settings.executor === 'slurm') log.info(`executor slurm: jobs are handed to Slurm${settings.partition ? ` (partition ${settings.partition})` : ''}`);
  let store: JobStore;
  let settingsStore: SettingsStore;
  try {
    const db = openDatabase(paths.db);
    guardStorage(db, paths, log, process.env[RELOAD_OF_ENV] !== undefined);
    store = new JobStore(db, (job) => executor.logPath(job));
    settingsStore = new SettingsStore(db);
    protectDatabase(paths);
    log.info(`database ${paths.db} (schema ${schemaVersion(db)})`);
    const lostIds = keepIdsAboveMark(db);
    if (lostIds) log.error(`the database knows jobs up to ${lostIds.known} but ids up to ${lostIds.mark} were given out (${lostIds.file}): it lost its latest changes (a damaged ${path.basename(paths.db)}-wal?). New jobs start after ${lostIds.mark}; to get the lost jobs back, stop gflowd and restore a backup (\`gflowd restore\`)`);
    moveLegacyGpuAllowList(settingsStore, paths.configFile, log);
    const mismatch = executorMismatch(settings.executor, store.byState('running'));
    if (mismatch) throw mismatch;
  } catch (err) {
    return fail(err);
  }
  // A personal daemon's requests carry its owner's token; a shared one knows callers by UID.
  let token: string | null = null;
  try {
    if (paths.mode === 'personal') token = ensureToken(paths.tokenFile, (why) => log.warn(why));
  } catch (err) {
    return fail(new GflowError('start_failed', `cannot create the API token ${paths.tokenFile}: ${(err as Error).message}`, 'check that the config directory is writable and the token is a file'));
  }
  // The scheduler is told when GPU availability changes; it exists by the time that happens.
  let onGpuChange = (): void => {};
  const gpus = new Gpus({
    lockDir: gpuLockDir(),
    settings: settingsStore,
    executor,
    jobOfToken: (token) => store.idByToken(token),
    log,
    allowed: parseGpuList(settings.gpus),
    strategy: settings.gpuStrategy,
    onChange: () => onGpuChange(),
  });
  const daemonEvents = new DaemonEvents(store, process.pid);
  // Notifications are written with every change from now on; the leader sends them.
  const leads = (): boolean => scheduler.isLeader;
  const notify = new Notify(store, { log, settings, smtpPassword: readSmtpPassword(paths), leads, alive: isAlive, logPathOf: (job) => executor.logPath(job) });
  const limits = admissionLimits(settings);
  const disk = new DiskGuard(paths.stateDir, limits.minFreeBytes, log);
  const scheduler = new Scheduler({ store, executor, gpus: choice.gpus ?? gpus, log, cpus: choice.cpus, killGraceMs: settings.killGraceSec * 1000, dbFile: paths.db, startsRefused: () => disk.refusal(), onLead: () => (store.envs.share(), daemonEvents.leaseTaken(), notify.sender.onLead(), dieIfAsked(), finishFileRemovals()), onForeignChange: () => (hub.foreignChange(), notify.sender.foreignChange()) });
  const hub = new EventHub(store);
  // Files of jobs a clean removed that a crash kept from going: the leader removes them.
  const finishFileRemovals = (): void => void fileRemovals({ store, executor, log }).drain().catch((err: Error) => log.warn(`removing files of cleaned jobs: ${err.message}`));
  // `gflow gpu allow` (which also writes the config file) replaces the start flag, so that a
  // reload, which passes the flags on, keeps what was allowed last.
  const onGpusAllowed = (text: string): void => {
    settings.gpus = text;
    delete flags.gpus;
  };
  const ctx = { store, paths, log, scheduler, executor, gpus, cpus: settings.cpus, onGpusAllowed, notify, limits, disk };
  const identity: Identity = { mode: paths.mode, ownerUid: process.getuid?.() ?? 0, ownerName: os.userInfo().username, token };
  // The dashboard is handed the daemon's own rules for a request; its sessions act as callers.
  const web = new Web({ ...ctx, identify: (req) => identify(req, identity), readJson, parseId });
  identity.sessions = web.sessions;
  const server = createApiServer({
    ctx,
    web,
    identity,
    info: () => ({ pid: process.pid, version, settings, flags, scheduler: { leader: scheduler.isLeader, lastPassMs: scheduler.lastPassMs }, eventListeners: hub.listeners }),
    events: hub,
    health: () => ({ status: 'ok', pid: process.pid, version, protocol: PROTOCOL_VERSION, startedAt: startedAt.toISOString(), scheduling: scheduler.isLeader, mode: paths.mode }),
  });
  startRetention({ store, executor, log, leads: () => scheduler.isLeader }, settings.retention === 'off' ? null : parseSpan(settings.retention));
  startEventPruning(store, log, () => scheduler.isLeader, parseSpan(settings.eventsMaxAge), settings.eventsMaxCount);
  startDailyBackup(store.db, paths, log, () => scheduler.isLeader);
  const checkpointer = startCheckpointer(store.db, paths.db, (message) => log.warn(message));
  let listener: Listener;
  try {
    listener = await listenReusePort(server, DEFAULT_HOST, settings.port);
  } catch (err) {
    return fail(err);
  }
  // Announced before any request is answered (this runs before the event loop turns): a CLI
  // that got an answer from this daemon, `gflowd up` included, finds the discovery file there.
  writeDiscovery(paths, settings.port);
  onGpuChange = () => {
    scheduler.requestPass();
    // One daemon tells (during a reload both see the change).
    if (scheduler.isLeader) daemonEvents.gpusChanged(gpus.describe(store.slimByState('running')));
  };
  daemonEvents.started(version, paths.mode);
  await gpus.start();
  try {
    await scheduler.start();
  } catch (err) {
    return fail(err);
  }
  const lease = new Lease(store.db);
  const stopStatusLine = startStatusLine({ store, gpus, hub, log, version, pane: process.env.TMUX_PANE, lease: () => ({ leader: scheduler.isLeader, holder: lease.holder()?.pid ?? null }) });
  web.start(() => scheduler.isLeader);
  log.event(`listening on ${DEFAULT_HOST}:${settings.port} (${paths.mode} mode); ready (${Math.round(performance.now())} ms after the process started)`);

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) {
      log.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    // A reload's old daemon hands over to the new one; a replacement whose reload was abandoned
    // hands its connections back to the daemon it was to replace. Neither owns the discovery file then.
    const handingOver = signal === 'SIGUSR2' || signal === ABANDONED;
    log.event(
      signal === 'SIGUSR2'
        ? 'SIGUSR2: handing over to the new daemon: finishing this pass, releasing the lease, finishing in-flight requests'
        : signal === ABANDONED
          ? 'the gflowd reload that started this daemon is gone before the hand-over: stopping, so that the daemon it was to replace stays the only one'
          : `${signal}: finishing in-flight requests and stopping (jobs keep running)`,
    );
    // A hung shutdown must not leave a half-dead daemon behind.
    setTimeout(() => {
      log.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000).unref();
    // Scheduling stops first, so that the lease is free while this daemon still answers.
    await scheduler.close();
    notify.sender.close();
    daemonEvents.stopped(signal);
    if (handingOver) await listener.handOver();
    // Open event streams end; their clients resume from the next daemon with Last-Event-ID.
    stopStatusLine();
    hub.close();
    web.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    await checkpointer.close();
    store.db.close();
    if (!handingOver) removeDiscovery(paths);
    log.event('stopped');
    log.close();
    process.exit(0);
  };
  // SIGUSR2 is the reload hand-over; it differs from a stop only in what it says.
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR2'] as const) process.on(sig, () => void shutdown(sig));
  watchAbandonedReload(() => void shutdown(ABANDONED));
}
