// A command rule: `/bin/sh -c CMD` with the notification as JSON on stdin, run as the rule's
// owner (src/notify/as-owner.ts). Exit 0 is a delivery; a command that outlives the time limit is
// killed with its process group.
import { spawn } from 'node:child_process';
import type { Notification } from '../protocol/notify.js';
import { launchAs, type Launch } from './as-owner.js';

const MAX_STDERR = 2048;

export function runCommand(cmd: string, uid: number | null, n: Notification, timeoutMs: number): Promise<void> {
  let launch: Launch;
  try {
    launch = launchAs(uid, ['/bin/sh', '-c', cmd]);
  } catch (err) {
    return Promise.reject(new Error(`cannot run the command: ${(err as Error).message}`));
  }
  const { file, args, cwd } = launch;
  const env = {
    ...launch.env,
    GFLOW_NOTIFY: n.notify,
    GFLOW_DELIVERY: n.delivery,
    ...(n.event ? { GFLOW_EVENT: n.event.type } : {}),
    ...(n.job ? { GFLOW_JOB_ID: String(n.job.id), GFLOW_JOB_STATE: n.job.state } : {}),
  };
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, env, stdio: ['pipe', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeoutMs);
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < MAX_STDERR) stderr += d.toString('utf8').slice(0, MAX_STDERR - stderr.length);
    });
    // A command that does not read its stdin is fine.
    child.stdin.on('error', () => {});
    child.stdin.end(`${JSON.stringify(n)}\n`);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run the command: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // Whatever it left running in its group goes too.
      killGroup(child.pid);
      if (timedOut) reject(new Error(`the command ran longer than ${Math.round(timeoutMs / 1000)} s and was killed`));
      else if (code === 0) resolve();
      else reject(new Error(`the command exited ${code ?? signal}${stderr.trim() ? `: ${stderr.trim()}` : ''}`));
    });
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
