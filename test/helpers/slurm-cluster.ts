// A real one-node Slurm cluster for tests: munged, slurmctld and slurmd from Debian's
// packages, as root, in the foreground, with a private directory (config, state, spool, munge
// key and socket) and private ports. One cluster per test file (`useSlurmCluster`), shared by
// its tests and torn down after them: its jobs cancelled, its daemons stopped by PID, its
// directory removed. Nothing else on the machine is touched.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { pollUntil } from './wait.js';
import { requires, type Needs } from './requires.js';
import { freePort, ROOT } from './sandbox.js';

const BINARIES = ['munged', 'mungekey', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scontrol', 'scancel', 'sinfo', 'srun'];

function missing(): string[] {
  return BINARIES.filter((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status !== 0);
}

let availability: string | undefined | null = null;

/**
 * Why a real cluster cannot run here (undefined: it can). Installs the packages
 * (scripts/system-deps.sh) when they are missing; only a machine where that fails lacks them.
 */
function slurmUnavailable(): string | undefined {
  if (availability !== null) return availability;
  if (process.getuid?.() !== 0) return (availability = 'the Slurm tests start slurmctld/slurmd as root; run them as root');
  if (missing().length > 0) spawnSync('bash', [path.join(ROOT, 'scripts', 'system-deps.sh'), '--test'], { stdio: 'ignore' });
  const left = missing();
  availability = left.length ? `Slurm packages cannot be installed here (missing ${left.join(', ')}; scripts/system-deps.sh --test installs slurm-wlm and munge)` : undefined;
  return availability;
}

/** Test options (see requires) for tests that run the cluster. */
export function requiresSlurm(): Needs {
  const why = slurmUnavailable();
  return requires('a Slurm cluster (slurmctld, slurmd and munged as root)', why === undefined, why ?? '');
}

export interface ClusterOptions {
  /** CPUs the node declares (more than the machine has is fine: slurmd reports what it is told) */
  cpus?: number;
  /** MinJobAge: how long slurmctld keeps an ended job */
  minJobAge?: number;
}

export class SlurmCluster {
  readonly dir: string;
  readonly conf: string;
  readonly partition = 'gft';
  readonly node = os.hostname().split('.')[0]!;
  private readonly daemons: { name: string; child: ChildProcess }[] = [];

  private constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gflow-slurm-'));
    fs.chmodSync(this.dir, 0o755);
    this.conf = path.join(this.dir, 'slurm.conf');
  }

  /** What every Slurm command of this cluster needs in its environment. */
  get env(): Record<string, string> {
    return { SLURM_CONF: this.conf };
  }

  static async start(o: ClusterOptions = {}): Promise<SlurmCluster> {
    const c = new SlurmCluster();
    try {
      await c.boot(o);
    } catch (err) {
      await c.stop();
      throw err;
    }
    return c;
  }

  private async boot(o: ClusterOptions): Promise<void> {
    const d = this.dir;
    for (const sub of ['state', 'log', `spool/${this.node}`, 'munge/private']) fs.mkdirSync(path.join(d, sub), { recursive: true });
    fs.chmodSync(path.join(d, 'munge'), 0o755);
    fs.chmodSync(path.join(d, 'munge/private'), 0o700);
    const key = path.join(d, 'munge/private/munge.key');
    const socket = path.join(d, 'munge/munge.socket.2');
    const mk = spawnSync('mungekey', ['-c', '-k', key], { encoding: 'utf8' });
    if (mk.status !== 0) throw new Error(`mungekey failed: ${mk.stderr}`);
    this.spawn('munged', ['-F', `--socket=${socket}`, `--key-file=${key}`, `--log-file=${d}/log/munged.log`, `--pid-file=${d}/munge/munged.pid`, `--seed-file=${d}/munge/seed`]);
    await this.until('munged socket', () => fs.existsSync(socket));
    const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
    fs.writeFileSync(this.conf, this.config(ctldPort, slurmdPort, socket, o));
    this.spawn('slurmctld', ['-D', '-i', '-f', this.conf]);
    await this.until('slurmctld', async () => (await this.cmd('scontrol', ['ping'])).code === 0 && (await this.cmd('scontrol', ['ping'])).stdout.includes('UP'));
    this.spawn('slurmd', ['-D', '-N', this.node, '-f', this.conf]);
    await this.until('slurmd idle', async () => /idle/.test((await this.cmd('sinfo', ['-h', '-n', this.node, '-o', '%T'])).stdout));
  }

  private config(ctldPort: number, slurmdPort: number, socket: string, o: ClusterOptions): string {
    const d = this.dir;
    const cpus = o.cpus ?? 8;
    return `ClusterName=gft${crypto.randomBytes(3).toString('hex')}
SlurmctldHost=${this.node}(127.0.0.1)
SlurmctldPort=${ctldPort}
SlurmdPort=${slurmdPort}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=${socket}
CredType=cred/munge
StateSaveLocation=${d}/state
SlurmdSpoolDir=${d}/spool/%n
SlurmctldPidFile=${d}/slurmctld.pid
SlurmdPidFile=${d}/slurmd.pid
SlurmctldLogFile=${d}/log/slurmctld.log
SlurmdLogFile=${d}/log/slurmd.log
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0,default_queue_depth=1000
SlurmdParameters=config_overrides
MessageTimeout=20
KillWait=2
MinJobAge=${o.minJobAge ?? 300}
ReturnToService=2
NodeName=${this.node} NodeAddr=127.0.0.1 CPUs=${cpus} Sockets=1 CoresPerSocket=${cpus} ThreadsPerCore=1 RealMemory=4000 State=UNKNOWN
PartitionName=${this.partition} Nodes=${this.node} Default=YES MaxTime=INFINITE State=UP
`;
  }

  private spawn(name: string, args: string[]): void {
    // Their output goes to a file, never a pipe to this process: a test (or a benchmark) that
    // blocks its event loop would leave the pipe full and the daemon stuck in a write.
    const file = path.join(this.dir, 'log', `${name}.out`);
    const out = fs.openSync(file, 'a');
    const child = spawn(name, args, { env: { ...process.env, ...this.env }, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    child.on('exit', (code, sig) => {
      if (!this.stopping) process.stderr.write(`slurm test cluster: ${name} exited (${code ?? sig}); see ${file}\n`);
    });
    this.daemons.push({ name, child });
  }

  private stopping = false;

  private async until(what: string, pred: () => boolean | Promise<boolean>): Promise<void> {
    await pollUntil(pred, { interval: 100, timeout: { milliseconds: 60_000, message: `slurm test cluster: ${what} did not come up; logs in ${this.dir}/log` } });
  }

  /** Runs a Slurm command of this cluster. */
  cmd(program: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(program, args, { env: { ...process.env, ...this.env } }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** Cancels every job, stops the daemons by PID and removes the directory. */
  async stop(): Promise<void> {
    if (this.daemons.some((d) => d.name === 'slurmctld' && d.child.exitCode === null)) {
      await this.cmd('scancel', ['--full', '--quiet', '--partition', this.partition]);
      await pollUntil(async () => (await this.cmd('squeue', ['-h', '-o', '%i'])).stdout.trim() === '', { interval: 100, timeout: 20_000 }).catch(() => {});
    }
    this.stopping = true;
    for (const { child } of [...this.daemons].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    }
    // A job step whose slurmd went first: its slurmstepd names this cluster's spool directory.
    for (const pid of processesMentioning(this.dir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Live processes whose command line or environment mentions `text`. */
export function processesMentioning(text: string): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (/\) Z /.test(fs.readFileSync(`/proc/${name}/stat`, 'utf8'))) continue;
      const seen = fs.readFileSync(`/proc/${name}/cmdline`, 'latin1') + fs.readFileSync(`/proc/${name}/environ`, 'latin1');
      if (seen.includes(text)) out.push(Number(name));
    } catch {
      // gone
    }
  }
  return out;
}

/**
 * One cluster for the enclosing test file or `describe`, started before its tests and stopped
 * after them; the `describe` around it says `requiresSlurm()`.
 */
export function useSlurmCluster(set: (c: SlurmCluster) => void, o: ClusterOptions = {}): void {
  let c: SlurmCluster | undefined;
  before(async () => {
    c = await SlurmCluster.start(o);
    set(c);
  });
  after(async () => {
    await c?.stop();
  });
}
