// `gflowd reload`: replace the running daemon with a fresh one (the code installed now),
// without refusing a request or touching a job.
//
// 1. find the old daemon   2. start the new one in gflow_server_new_<ts>   3. find its pid
// 4. health-check it on the shared SO_REUSEPORT port until an answer carries the new pid
// 5. SIGUSR2 the old one (it finishes its pass, releases the scheduling lease, drains, exits)
// 6. rename the new session to gflow_server.
// If the new daemon fails before 5, it is removed and the old one keeps running untouched.
import fs from 'node:fs';
import { resolvePaths } from '../../config/paths.js';
import { resolveSettings } from '../../config/settings.js';
import type { Settings } from '../../config/schema.js';
import { isAlive, processMark } from '../../executor/proc.js';
import { GflowError, toGflowError } from '../../protocol/errors.js';
import { SERVER_SESSION } from '../../protocol/version.js';
import { RELOAD_BY_ENV, RELOAD_OF_ENV } from '../../protocol/events.js';
import { capturePane, hasSession, killSession, listClients, listPanes, newSession, renameSession } from '../../tmux/tmux.js';
import { carryOver } from './carry-over.js';
import { daemonArgv, daemonEnv } from './daemon-session.js';
import { daemonInPanes, daemonsOf, otherDaemonError, sessionDaemon } from './find-daemon.js';
import { start } from './up.js';
import { probe } from './health.js';
import { acquireReloadLock } from './control-lock.js';
import { waitUntil } from './wait-until.js';

export interface ReloadOptions extends Partial<Settings> {
  json?: boolean;
  /** seconds to wait for the new daemon to answer healthy */
  timeout?: number;
}

export interface ReloadSummary {
  oldPid: number;
  newPid: number;
  session: string;
  totalMs: number;
  steps: { step: string; ms: number }[];
}

const EXIT_WAIT_MS = 15_000;

export async function reload(o: ReloadOptions): Promise<ReloadSummary> {
  const paths = resolvePaths();
  const { port } = resolveSettings(paths, o);
  const unlock = acquireReloadLock(paths.stateDir);
  try {
    return await hand(o, port, paths.stateDir);
  } finally {
    unlock();
  }
}

async function hand(o: ReloadOptions, resolvedPort: number, stateDir: string): Promise<ReloadSummary> {
  const t0 = performance.now();
  const steps: ReloadSummary['steps'] = [];
  let last = t0;
  const step = (name: string, text: string): void => {
    const now = performance.now();
    steps.push({ step: name, ms: Math.round(now - last) });
    if (!o.json) process.stdout.write(`[${steps.length}/6] ${text} (${Math.round(now - last)} ms)\n`);
    last = now;
  };

  const owner = await sessionDaemon(stateDir);
  if (owner.kind === 'other') throw otherDaemonError(owner.daemon, stateDir);
  if (owner.kind === 'none') throw new GflowError('daemon_not_running', `gflowd is not running in tmux session ${SERVER_SESSION}`, 'start it with `gflowd up`');
  const oldPid = owner.pid;
  step('find-old', `old daemon: pid ${oldPid}`);
  // Any other daemon of this state directory, looked for while the new one starts (find-process
  // runs ps: ~200 ms on a loaded machine). None can start meanwhile: `gflowd up` waits for our lock.
  const before = daemonsOf(stateDir);
  before.catch(() => {});

  // The replacement runs with the old daemon's command-line options and on its port, unless
  // told otherwise; without them nothing is started.
  const { oldPort, flags } = await carryOver(oldPid, { port: o.port, cpus: o.cpus, gpus: o.gpus }, resolvedPort, 'reload');
  const port = o.port ?? oldPort;
  const session = `${SERVER_SESSION}_new_${Date.now()}`;
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  await newSession({ name: session, argv: daemonArgv(flags), env: { ...daemonEnv(port), [RELOAD_OF_ENV]: String(oldPid), [RELOAD_BY_ENV]: processMark() }, remainOnExit: true, cwd: stateDir });
  step('start-new', `started the new daemon in tmux session ${session}`);

  let newPid: number | undefined;
  try {
    // One deadline for both waits: finding the new daemon and its first healthy answer.
    const deadline = performance.now() + (o.timeout ?? 10) * 1000;
    const left = (): number => Math.max(0, deadline - performance.now());
    const found = await waitUntil(
      async () => {
        const panes = await listPanes(session);
        if (!panes[0] || panes[0].dead) throw new GflowError('start_failed', 'the new daemon exited during start-up');
        newPid = daemonInPanes(panes);
        return newPid !== undefined && newPid !== oldPid;
      },
      { intervalMs: 10, timeoutMs: left() },
    );
    if (found) step('find-new', `new daemon: pid ${newPid}`);
    // The kernel spreads connections over both listeners: only an answer from the new pid counts.
    const healthy =
      found &&
      (await waitUntil(
        async () => {
          // Its own process, not tmux, is asked whether it still runs: a tmux client every 10 ms
          // took CPU from the daemon that was starting.
          if (!isAlive(newPid!)) throw new GflowError('start_failed', 'the new daemon exited before it answered');
          const p = await probe(port, 1000);
          return p.kind === 'gflowd' && p.health.pid === newPid;
        },
        { intervalMs: 10, timeoutMs: left() },
      ));
    if (!healthy) throw new GflowError('start_failed', `the new daemon did not answer healthy within ${o.timeout ?? 10} s`);
    step('health', `new daemon ${newPid} answers on port ${port}`);
  } catch (err) {
    await rollback(session);
    throw new GflowError('start_failed', `${toGflowError(err).message}; the old daemon ${oldPid} keeps running`, 'its last lines are above; fix the cause and reload again');
  }

  // Handing over to a daemon that is gone would leave none: the old one is kept instead.
  if (!isAlive(newPid!)) {
    await rollback(session);
    throw new GflowError('start_failed', `the new daemon ${newPid} exited before the hand-over; the old daemon ${oldPid} keeps running`, 'its last lines are above; fix the cause and reload again');
  }
  try {
    process.kill(oldPid, 'SIGUSR2');
  } catch {
    // The old daemon is already gone (it crashed meanwhile): nothing to hand over.
  }
  if (await waitUntil(() => !isAlive(oldPid), { intervalMs: 10, timeoutMs: EXIT_WAIT_MS })) {
    step('hand-over', `old daemon ${oldPid} handed over and exited`);
  } else {
    process.stderr.write(`gflowd: the old daemon ${oldPid} did not exit within ${EXIT_WAIT_MS / 1000} s of SIGUSR2; sending SIGKILL\n`);
    try {
      process.kill(oldPid, 'SIGKILL');
    } catch {
      // gone
    }
    if (!(await waitUntil(() => !isAlive(oldPid), { intervalMs: 10, timeoutMs: 5000 }))) {
      throw new GflowError('daemon_unhealthy', `the old daemon ${oldPid} is still there 5 s after SIGKILL; the new daemon ${newPid} serves in tmux session ${session}`, `check \`ps -o stat= -p ${oldPid}\`, then \`gflowd up\` adopts the new session`);
    }
    step('hand-over', `old daemon ${oldPid} killed`);
  }

  if (await hasSession(SERVER_SESSION)) {
    // Let tmux reap the old daemon (its pane turns dead) before its session goes.
    // and its control client has left (tmux 3.3 can crash closing a session a control client is leaving).
    await waitUntil(async () => (await listPanes(SERVER_SESSION)).every((p) => p.dead) && (await listClients(SERVER_SESSION)).length === 0, { intervalMs: 10, timeoutMs: 2000 });
    await killSession(SERVER_SESSION);
  }
  await renameSession(session, SERVER_SESSION);
  step('rename', `renamed ${session} to ${SERVER_SESSION}`);
  // Success only with the new daemon alive, answering, and the only one of this state directory.
  const others = before.then((pids) => pids.filter((pid) => pid !== oldPid && pid !== newPid && isAlive(pid)));
  const problem = await servingProblem(port, newPid!, others);
  if (problem) {
    const lines = (await capturePane(SERVER_SESSION)).split('\n').filter((l) => l.trim() !== '' && !/^Pane is dead/.test(l)).slice(-10);
    if (lines.length) process.stderr.write(`${lines.map((l) => `  | ${l}`).join('\n')}\n`);
    let pid: number | undefined;
    try {
      if (problem.startAnother) pid = await start(flags, (l) => process.stderr.write(`${l}\n`));
    } catch (err) {
      throw new GflowError('start_failed', `the reload did not end well: ${problem.what}, and a fresh daemon did not start (${toGflowError(err).message}): no gflowd runs now`, `start one with \`gflowd up\` (its log: ${resolvePaths().daemonLog})`);
    }
    throw new GflowError('start_failed', `the reload did not end well: ${problem.what}${pid ? `; started a fresh daemon (pid ${pid})` : ''}`, 'its last lines are above; `gflowd status` shows what runs now');
  }
  const summary = { oldPid, newPid: newPid!, session: SERVER_SESSION, totalMs: Math.round(performance.now() - t0), steps };
  process.stdout.write(o.json ? `${JSON.stringify(summary)}\n` : `Reloaded in ${(summary.totalMs / 1000).toFixed(2)} s: pid ${oldPid} → ${newPid}\n`);
  return summary;
}

/** What is wrong after a hand-over, if anything: the new daemon gone or silent, or another daemon of this state directory still running. */
async function servingProblem(port: number, newPid: number, othersFound: Promise<number[]>): Promise<{ what: string; startAnother: boolean } | undefined> {
  const exited = { what: `the new daemon ${newPid} exited after the hand-over`, startAnother: true };
  // The hand-over is done when the new daemon schedules (it took the lease the old one left).
  await waitUntil(
    async () => {
      if (!isAlive(newPid)) return true;
      const p = await probe(port, 1000);
      return p.kind === 'gflowd' && p.health.pid === newPid && p.health.scheduling;
    },
    { intervalMs: 20, timeoutMs: 10_000 },
  );
  if (!isAlive(newPid)) return exited;
  const others = await othersFound;
  if (others.length) return { what: `another daemon of this state directory still runs (pid ${others.join(', ')}) beside the new one ${newPid}`, startAnother: false };
  // The last word, right before success is said (the search for others took a while): the new
  // daemon answers, from its own pid.
  const last = await probe(port, 1000);
  if (last.kind === 'gflowd' && last.health.pid === newPid) return undefined;
  if (!isAlive(newPid)) return exited;
  return { what: `the new daemon ${newPid} does not answer on port ${port}`, startAnother: false };
}

// Removes a replacement that failed, after showing what it said.
async function rollback(session: string): Promise<void> {
  const lines = (await capturePane(session)).split('\n').filter((l) => l.trim() !== '' && !/^Pane is dead/.test(l)).slice(-15);
  if (lines.length) process.stderr.write(`${lines.map((l) => `  | ${l}`).join('\n')}\n`);
  await killSession(session);
}
