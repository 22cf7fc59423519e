// A command rule: `/bin/sh -c CMD` with the notification as JSON on stdin, run as the rule's
// owner (a shared daemon runs as root: setpriv switches to the owner's account and groups,
// as jobs are started). Exit 0 is a delivery; a command that outlives the time limit is
// killed with its process group.
import { spawn } from 'node:child_process';
import type { Notification } from '../protocol/notify.js';
import { userById } from '../identity/users.js';
import { SMTP_PASSWORD_ENV } from '../config/smtp-password.js';

const myUid = process.getuid?.() ?? 0;
const MAX_STDERR = 2048;

export function runCommand(cmd: string, uid: number | null, n: Notification, timeoutMs: number): Promise<void> {
  const argv = ['/bin/sh', '-c', cmd];
  let file = argv[0]!;
  let args = argv.slice(1);
  let env: NodeJS.ProcessEnv = { ...process.env };
  delete env[SMTP_PASSWORD_ENV];
  let cwd = process.env.HOME || '/';
  if (uid !== null && uid !== myUid) {
    const u = userById(uid);
    if (!u) return Promise.reject(new Error(`no account with uid ${uid} to run the command as`));
    file = 'setpriv';
    args = [`--reuid=${u.uid}`, `--regid=${u.gid}`, '--init-groups', '--', ...argv];
    env = { HOME: u.home, USER: u.name, LOGNAME: u.name, SHELL: u.shell, PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', LANG: process.env.LANG ?? 'C.UTF-8' };
    cwd = u.home || '/';
  }
  Object.assign(env, {
    GFLOW_NOTIFY: n.notify,
    GFLOW_DELIVERY: n.delivery,
    ...(n.event ? { GFLOW_EVENT: n.event.type } : {}),
    ...(n.job ? { GFLOW_JOB_ID: String(n.job.id), GFLOW_JOB_STATE: n.job.state } : {}),
  });
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
