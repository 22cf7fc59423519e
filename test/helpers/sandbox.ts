// An isolated gflow world per test: its own state and config dirs, its own tmux server
// (TMUX_TMPDIR + `tmux -L <unique>`), its own free port. `cleanup()` stops the daemon, kills
// the tmux server and every process of the sandbox's jobs, and removes the files.
import { execFile, execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pty from 'node-pty';
import { after, before } from 'node:test';
import { pollUntil } from './wait.js';
import { memoryCgroups } from '../../src/executor/cgroup.js';
import type { Job } from '../../src/protocol/job.js';
import { FakeNvidiaSmi, type FakeGpu } from './fake-nvidia-smi.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = { gflow: path.join(ROOT, 'bin', 'gflow'), gflowd: path.join(ROOT, 'bin', 'gflowd') };

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** A local account the tests use (created with useradd; see testUsers). */
export interface TestUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/**
 * Local users for tests that need several people on one machine, created once with useradd;
 * undefined where that is not possible (not root, no useradd).
 */
export function testUsers(names: string[]): TestUser[] | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const out: TestUser[] = [];
  for (const name of names) {
    const exists = (): boolean => spawnSync('id', ['-u', name]).status === 0;
    // Another test file may create the same user at the same moment: its useradd then wins.
    if (!exists() && spawnSync('useradd', ['--create-home', '--shell', '/bin/bash', name]).status !== 0 && !exists()) return undefined;
    const [, , uid, gid, , home] = execFileSync('getent', ['passwd', name], { encoding: 'utf8' }).trim().split(':');
    fs.mkdirSync(home!, { recursive: true });
    fs.chownSync(home!, Number(uid), Number(gid));
    out.push({ name, uid: Number(uid), gid: Number(gid), home: home! });
  }
  return out;
}

export class Sandbox {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly socket: string;
  private readonly children: ChildProcess[] = [];

  private constructor(
    readonly port: number,
    extraEnv: NodeJS.ProcessEnv,
  ) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gflow-test-'));
    this.socket = `gft-${crypto.randomBytes(4).toString('hex')}`;
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.TMUX;
    delete env.TMUX_PANE;
    this.env = {
      ...env,
      XDG_DATA_HOME: path.join(this.dir, 'data'),
      XDG_CONFIG_HOME: path.join(this.dir, 'config'),
      TMUX_TMPDIR: this.dir,
      GFLOW_TMUX_SOCKET: this.socket,
      GFLOW_PORT: String(port),
      GFLOW_KILL_GRACE_SEC: '2',
      NO_COLOR: '1',
      // Tests run as root, which would start the machine's shared daemon: personal unless asked.
      GFLOW_MODE: 'personal',
      // Fake GPUs of every sandbox share UUIDs: each sandbox gets its own GPU lock directory.
      GFLOW_GPU_LOCK_DIR: path.join(this.dir, 'gpu-locks'),
      ...extraEnv,
    };
  }

  static async create(extraEnv: NodeJS.ProcessEnv = {}): Promise<Sandbox> {
    return new Sandbox(await freePort(), extraEnv);
  }

  /**
   * A sandbox for the machine's shared daemon (run by root) and the given local users, whose
   * CLI runs as them (`as`). Its directories are reachable by those users. Root's TMUX_TMPDIR
   * (the sandbox's directory) is root's own; the users' shells have theirs (userTmpdir, open to
   * all like /tmp); the servers of their jobs keep their sockets where the daemon puts them
   * (userTmuxDir), as on a real machine.
   */
  static async shared(users: TestUser[]): Promise<Sandbox> {
    const sb = await Sandbox.create();
    fs.chmodSync(sb.dir, 0o755);
    fs.mkdirSync(sb.userTmpdir, { mode: 0o1777 });
    fs.chmodSync(sb.userTmpdir, 0o1777);
    // minFree: the shared default (1G) would make every shared test fail on a CI disk with
    // less free; the guard itself is tested on a small tmpfs (shared-disk-full.test.ts).
    Object.assign(sb.env, { GFLOW_MODE: 'shared', GFLOW_SHARED_DIR: path.join(sb.dir, 'shared'), GFLOW_SHARED_CONFIG_DIR: path.join(sb.dir, 'etc'), GFLOW_MIN_FREE: '16M' });
    sb.users.push(...users);
    return sb;
  }

  readonly users: TestUser[] = [];

  /** The users' own TMUX_TMPDIR (their shells' tmux, their personal daemons): a stand-in for /tmp. */
  get userTmpdir(): string {
    return path.join(this.dir, 'tmp');
  }

  /** TMUX_TMPDIR of the users' jobs' tmux servers in shared mode (src/config/paths.ts jobTmuxTmpdir). */
  get userTmuxDir(): string {
    return path.join(this.env.GFLOW_SHARED_DIR!, 'tmux');
  }

  /**
   * The environment a user's shell would give the CLI (no GFLOW_MODE: the CLI finds the daemon),
   * with the Node under test first on PATH (bin/* start with `#!/usr/bin/env node`).
   */
  userEnv(u: TestUser): NodeJS.ProcessEnv {
    const pick = ['GFLOW_TMUX_SOCKET', 'GFLOW_SHARED_DIR', 'GFLOW_KILL_GRACE_SEC', 'NO_COLOR'];
    // Not root's TMUX_TMPDIR: a user's shell has its own.
    const tmux = this.env.GFLOW_MODE === 'shared' ? this.userTmpdir : this.env.TMUX_TMPDIR;
    return { PATH: `${path.dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, HOME: u.home, USER: u.name, LOGNAME: u.name, LANG: 'C.UTF-8', TMUX_TMPDIR: tmux, ...Object.fromEntries(pick.map((k) => [k, this.env[k]])) };
  }

  /** Runs gflow (or another program) as a local user. */
  as(u: TestUser, args: string[], opts: { program?: string; cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
    const [file, argv] = opts.program ? [opts.program, args] : [process.execPath, [BIN.gflow, ...args]];
    return new Promise((resolve) => {
      const child = execFile(file, argv, { env: { ...this.userEnv(u), ...opts.env }, cwd: opts.cwd ?? u.home, uid: u.uid, gid: u.gid }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
      child.stdin?.on('error', () => {});
      child.stdin?.end(opts.input ?? '');
    });
  }

  /** A sandbox whose daemon sees these GPUs through a fake nvidia-smi first on PATH. */
  static async withGpus(gpus: FakeGpu[]): Promise<{ sb: Sandbox; smi: FakeNvidiaSmi }> {
    const sb = await Sandbox.create();
    const smi = new FakeNvidiaSmi(path.join(sb.dir, 'nvidia'), gpus);
    sb.env.PATH = `${smi.binDir}:${sb.env.PATH ?? ''}`;
    return { sb, smi };
  }

  get stateDir(): string {
    return path.join(this.dir, 'data', 'gflow');
  }
  get configDir(): string {
    return path.join(this.dir, 'config', 'gflow');
  }

  run(bin: 'gflow' | 'gflowd' | 'tmux', args: string[], opts: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
    const [file, argv] = bin === 'tmux' ? ['tmux', ['-L', this.socket, ...args]] : [process.execPath, [BIN[bin], ...args]];
    return new Promise((resolve) => {
      const child = execFile(file, argv, { env: { ...this.env, ...opts.env }, cwd: opts.cwd ?? this.dir, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
        resolve({ code, stdout, stderr });
      });
      // A command that exits at once closes its stdin before we write to it.
      child.stdin?.on('error', () => {});
      child.stdin?.end(opts.input ?? '');
    });
  }

  gflow(...args: string[]): Promise<RunResult> {
    return this.run('gflow', args);
  }
  gflowd(...args: string[]): Promise<RunResult> {
    return this.run('gflowd', args);
  }

  /** Runs a command and fails the test with its output if it does not exit 0. */
  async ok(bin: 'gflow' | 'gflowd', ...args: string[]): Promise<string> {
    const r = await this.run(bin, args);
    if (r.code !== 0) throw new Error(`${bin} ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return r.stdout;
  }

  async up(...args: string[]): Promise<number> {
    const out = await this.ok('gflowd', 'up', ...args);
    const m = /pid (\d+)/.exec(out);
    if (!m) throw new Error(`no pid in: ${out}`);
    return Number(m[1]);
  }

  async submit(...args: string[]): Promise<number> {
    const out = await this.ok('gflow', 'submit', ...args);
    const m = /Submitted job (\d+)/.exec(out);
    if (!m) throw new Error(`no job id in: ${out}`);
    return Number(m[1]);
  }

  async job(id: number): Promise<Job> {
    return JSON.parse(await this.ok('gflow', 'show', String(id), '--json')) as Job;
  }

  async waitFor(id: number, pred: (j: Job) => boolean, timeoutMs = 30_000): Promise<Job> {
    let last: Job | undefined;
    await pollUntil(
      async () => {
        last = await this.job(id);
        return pred(last);
      },
      { interval: 50, timeout: { milliseconds: timeoutMs, message: () => `job ${id} did not reach the expected state; last: ${JSON.stringify(last)}` } },
    );
    return last!;
  }

  waitEnded(id: number, timeoutMs?: number): Promise<Job> {
    return this.waitFor(id, (j) => !['queued', 'hold', 'running'].includes(j.state), timeoutMs);
  }

  async daemonPid(): Promise<number> {
    return (JSON.parse(await this.ok('gflowd', 'status', '--json')) as { pid: number }).pid;
  }

  /**
   * Attaches to gflow_server through a real terminal (node-pty), waits until the screen
   * shows `expected`, detaches with Ctrl-b d and returns what the terminal received.
   */
  async attachServer(expected: (screen: string) => boolean): Promise<{ screen: string; exitCode: number }> {
    const term = pty.spawn('tmux', ['-L', this.socket, 'attach', '-t', '=gflow_server'], { cols: 200, rows: 50, env: { ...(this.env as Record<string, string>), TERM: 'xterm-256color' } });
    let screen = '';
    term.onData((d) => {
      screen += d;
    });
    const exited = new Promise<number>((r) => term.onExit(({ exitCode }) => r(exitCode)));
    try {
      await pollUntil(() => expected(screen), { timeout: 10_000 });
    } finally {
      term.write('\x02d');
    }
    const exitCode = await exited;
    return { screen, exitCode };
  }

  /** A process started by the test that cleanup() must also stop. */
  track(child: ChildProcess): ChildProcess {
    this.children.push(child);
    return child;
  }

  spawnDaemon(args: string[] = []): ChildProcess {
    return this.track(spawn(process.execPath, [BIN.gflowd, 'run', ...args], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  /** Every live process whose environment mentions this sandbox (jobs, daemons, tmux). */
  processes(): number[] {
    const out: number[] = [];
    for (const name of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
      try {
        const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
        if (/\) Z /.test(stat)) continue;
        // Users' processes started outside a job (a webhook sender, say) name the sandbox's
        // directory in their command line. Nothing else of those users is touched: other test
        // files run as the same users at the same time.
        if (fs.readFileSync(`/proc/${name}/environ`, 'latin1').includes(this.socket) || fs.readFileSync(`/proc/${name}/cmdline`, 'latin1').includes(this.dir)) out.push(Number(name));
      } catch {
        // gone
      }
    }
    return out;
  }

  async cleanup(): Promise<void> {
    await this.run('gflowd', ['down']);
    // Users' jobs live in their own tmux servers.
    for (const u of this.users) {
      for (const dir of [this.userTmuxDir, this.userTmpdir]) await this.as(u, ['-L', this.socket, 'kill-server'], { program: 'tmux', cwd: '/', env: { TMUX_TMPDIR: dir } });
    }
    for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await this.run('tmux', ['kill-server']);
    // Jobs carry the sandbox's socket name in their environment: kill any straggler.
    for (let i = 0; i < 50; i++) {
      const left = this.processes();
      if (left.length === 0) break;
      for (const pid of left) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const dir of [this.stateDir, this.env.GFLOW_SHARED_DIR]) if (dir) memoryCgroups(dir).removeAll(); // killed jobs' cgroups
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * One sandbox for the enclosing `describe`: created before its tests (with a daemon started
 * by `gflowd up <upArgs>` unless upArgs is null), cleaned up after them.
 */
export function useSandbox(set: (sb: Sandbox) => void, upArgs: string[] | null = []): void {
  let sb: Sandbox | undefined;
  before(async () => {
    sb = await Sandbox.create();
    set(sb);
    if (upArgs) await sb.up(...upArgs);
  });
  after(async () => {
    await sb?.cleanup();
  });
}
