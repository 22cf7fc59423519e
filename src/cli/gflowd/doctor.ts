// `gflowd doctor`: what gflow depends on, checked one line at a time.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { resolvePaths } from '../../config/paths.js';
import type { Settings } from '../../config/schema.js';
import { memoryCgroups } from '../../executor/cgroup.js';
import { gpuLockDir, rootLockDir } from '../../executor/gpu-locks.js';
import { daemonStatus } from './status.js';

type Check = { ok: boolean | 'warn'; what: string; detail: string };

function sysctl(name: string): string | undefined {
  try {
    return fs.readFileSync(`/proc/sys/${name.replaceAll('.', '/')}`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

export async function doctor(flags: Partial<Settings> & { json?: boolean }): Promise<void> {
  const paths = resolvePaths();
  const checks: Check[] = [];
  let tmux = '';
  try {
    tmux = execFileSync('tmux', ['-V'], { encoding: 'utf8' }).trim();
  } catch {
    // not installed
  }
  checks.push({ ok: tmux !== '', what: 'tmux', detail: tmux || 'not found: install it (apt-get install tmux)' });
  checks.push({ ok: Number(process.versions.node.split('.')[0]) >= 20, what: 'node', detail: process.version });
  const migrate = sysctl('net.ipv4.tcp_migrate_req');
  checks.push({
    ok: migrate === '1' ? true : 'warn',
    what: 'net.ipv4.tcp_migrate_req',
    detail:
      migrate === '1'
        ? 'enabled: during a reload, connections queued on the old daemon move to the new one'
        : `${migrate ?? 'unavailable'}: a reload steers new connections to the new daemon and drains the old one's queue first, and the CLI retries what is reset; for a second safety net: \`sudo sysctl -w net.ipv4.tcp_migrate_req=1\``,
  });
  checks.push({ ok: true, what: 'mode', detail: paths.mode === 'shared' ? `shared: the machine's daemon, jobs run as their owners (state ${paths.stateDir})` : `personal: your own daemon (state ${paths.stateDir})` });
  const cg = memoryCgroups(paths.stateDir);
  checks.push({ ok: cg.enforced ? true : 'warn', what: 'memory limits (--mem)', detail: cg.describe });
  const lockDir = gpuLockDir();
  let locks: Check;
  try {
    const st = fs.lstatSync(lockDir);
    // src/executor/gpu-locks.ts: root's directory, or (no shared daemon) one for everyone.
    if (rootLockDir(lockDir)) locks = { ok: true, what: 'GPU locks', detail: `${lockDir}: root's; the shared daemon holds its jobs' locks, a personal daemon takes none (nvidia-smi shows its GPU use)` };
    else if (st.isDirectory() && (st.mode & 0o1777) === 0o1777) locks = { ok: 'warn', what: 'GPU locks', detail: `${lockDir}: every user may lock there, also by hand, and block others' GPU jobs; a shared daemon (\`sudo gflowd up\`) makes it root's` };
    else locks = { ok: 'warn', what: 'GPU locks', detail: `${lockDir} is neither root's (0755) nor for everyone (1777): a shared daemon (\`sudo gflowd up\`) makes it root's` };
  } catch {
    locks = { ok: true, what: 'GPU locks', detail: `${lockDir}: created by the first daemon that sees GPUs` };
  }
  checks.push(locks);
  if (paths.mode === 'personal') try {
    const mode = fs.statSync(paths.tokenFile).mode & 0o777;
    checks.push({ ok: mode === 0o600, what: 'API token', detail: `${paths.tokenFile} mode ${mode.toString(8)}${mode === 0o600 ? '' : ' (should be 600)'}` });
  } catch {
    checks.push({ ok: 'warn', what: 'API token', detail: `${paths.tokenFile} not created yet (the daemon creates it at first start)` });
  }
  else checks.push({ ok: true, what: 'API token', detail: 'none: a shared daemon knows its callers from the kernel' });
  const s = await daemonStatus(flags);
  checks.push({ ok: s.running ? true : 'warn', what: 'daemon', detail: s.running ? `running, pid ${s.pid}, port ${s.port}, version ${s.version}` : s.other ? `not running for ${s.stateDir}; ${s.other.where} runs the gflowd of ${s.other.stateDir ?? 'another state directory'} (pid ${s.other.pid})` : `not running on port ${s.port} (gflowd up)` });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(checks)}\n`);
  } else {
    for (const c of checks) process.stdout.write(`${c.ok === true ? 'ok  ' : c.ok === 'warn' ? 'warn' : 'FAIL'}  ${c.what.padEnd(26)} ${c.detail}\n`);
  }
  if (checks.some((c) => c.ok === false)) process.exitCode = 1;
}
