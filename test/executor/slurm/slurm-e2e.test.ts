// The same gflow on a real Slurm cluster: a one-node cluster (test/helpers/slurm-cluster.ts)
// and a daemon started with `gflowd up --executor slurm`, driven through bin/gflow.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import pty from 'node-pty';
import { pollUntil } from '../../helpers/wait.js';
import type { Job } from '../../../src/protocol/job.js';
import { describe, it, before, after } from 'node:test';
import { BIN, Sandbox } from '../../helpers/sandbox.js';
import { useSlurmCluster, requiresSlurm, type SlurmCluster } from '../../helpers/slurm-cluster.js';

describe('gflow with the Slurm executor', requiresSlurm(), () => {
  let c: SlurmCluster;
  let sb: Sandbox;
  useSlurmCluster((x) => (c = x));
  let gate: string;
  const up = (): Promise<number> => sb.up('--executor', 'slurm', '--partition', c.partition);
  before(async () => {
    sb = await Sandbox.create({ SLURM_CONF: c.conf });
    // sbatch through a script that, while the file 'hold' exists, waits before submitting:
    // the window between "handed over" and sbatch, made wide enough to kill the daemon in. It
    // outlives the daemon (the hang-up of the daemon's terminal is ignored), as an sbatch whose
    // request was already on its way would.
    gate = path.join(sb.dir, 'sbatch-gate');
    fs.mkdirSync(gate);
    const fake = path.join(sb.dir, 'sbatch');
    fs.writeFileSync(fake, `#!/bin/bash\ntrap '' HUP\nif [ -e ${gate}/hold ]; then echo $$ > ${gate}/entered; while [ -e ${gate}/hold ]; do sleep 0.05; done; fi\nexec sbatch "$@"\n`, { mode: 0o755 });
    sb.env.GFLOW_SLURM_SBATCH = fake;
    await up();
  });
  after(async () => {
    if (process.env.GFLOW_SLURM_TEST_LOG) fs.copyFileSync(path.join(sb.stateDir, 'gflowd.log'), process.env.GFLOW_SLURM_TEST_LOG);
    await sb?.cleanup();
  });

  it('runs a job on the cluster with its exit code, Slurm job id and node', async () => {
    const id = await sb.submit('--', 'bash', '-c', 'echo hello-$SLURM_JOB_ID; exit 3');
    const j = await sb.waitEnded(id);
    assert.equal(j.state, 'failed');
    assert.equal(j.exitCode, 3);
    assert.ok(j.slurmId && j.slurmId > 0, JSON.stringify(j));
    assert.equal(j.node, c.node);
    const log = await sb.ok('gflow', 'log', String(id));
    assert.match(log, new RegExp(`hello-${j.slurmId}`));
    const show = await sb.ok('gflow', 'show', String(id));
    assert.match(show, new RegExp(`Slurm job:\\s+${j.slurmId}`));
    assert.match(show, new RegExp(`Node:\\s+${c.node}`));
    // Slurm gets its node back: the batch job ends with the job.
    await pollUntil(async () => !(await slurmActive(j.slurmId!)), { interval: 100, timeout: 20_000 });
  });

  it('shows the partition\'s nodes, CPUs and GPUs in gflow info, and the node in the queue', async () => {
    const info = await sb.ok('gflow', 'info');
    assert.match(info, new RegExp(`Slurm partition ${c.partition}: 1 node\\(s\\), \\d+ of 8 CPUs allocated`));
    assert.match(info, new RegExp(`${c.node}\\s+${c.partition}\\s+\\w+\\s+\\d+/8\\s+4000 MiB`));
    const j = await runningOnNode();
    const queue = await sb.ok('gflow', 'queue');
    assert.match(queue, new RegExp(`${j.id}.*R.*${c.node}`));
    await sb.ok('gflow', 'cancel', String(j.id));
    await sb.waitEnded(j.id);
  });

  /** A job that runs until cancelled, once Slurm runs it on the node. */
  async function runningOnNode(): Promise<Job> {
    const id = await sb.submit('--', 'sleep', '300');
    return sb.waitFor(id, (j) => j.state === 'running' && j.node !== null);
  }

  async function slurmActive(slurmId: number): Promise<boolean> {
    return (await c.cmd('squeue', ['-h', '-j', String(slurmId), '-t', 'PD,R,CG', '-o', '%i'])).stdout.trim() !== '';
  }

  it('cancels a running job: the job is stopped in Slurm and recorded as cancelled', async () => {
    const j = await runningOnNode();
    await sb.ok('gflow', 'cancel', String(j.id));
    const done = await sb.waitEnded(j.id);
    assert.equal(done.state, 'cancelled');
    assert.equal(done.signal, 'SIGTERM');
    await pollUntil(async () => !(await slurmActive(j.slurmId!)), { interval: 100, timeout: 20_000 });
  });

  it('stops a job at its time limit, counted from when Slurm started it', async () => {
    const id = await sb.submit('-t', '0:02', '--', 'sleep', '300');
    const j = await sb.waitEnded(id);
    assert.equal(j.state, 'timeout', JSON.stringify(j));
    assert.ok(j.node);
    assert.ok(Date.parse(j.finishedAt!) - Date.parse(j.startedAt!) >= 2000);
  });

  it('reflects a scancel from outside gflow, with Slurm\'s word for it', async () => {
    const j = await runningOnNode();
    assert.equal((await c.cmd('scancel', [String(j.slurmId)])).code, 0);
    const done = await sb.waitEnded(j.id);
    assert.equal(done.state, 'cancelled', JSON.stringify(done));
    assert.match(done.reason ?? '', /cancelled in Slurm/);
  });

  it('auto-cancels a dependency chain whose parent fails, without handing the children to Slurm', async () => {
    const a = await sb.submit('--', 'bash', '-c', 'exit 1');
    const b = await sb.submit('-d', String(a), '--', 'true');
    const d = await sb.submit('-d', String(b), '--', 'true');
    assert.equal((await sb.waitEnded(a)).state, 'failed');
    for (const id of [b, d]) {
      const j = await sb.waitEnded(id);
      assert.equal(j.state, 'cancelled');
      assert.match(j.reason ?? '', /dependency/);
      assert.equal(j.slurmId, null);
    }
  });

  it('runs an array 1-6%2 with never more than 2 tasks at once, though the cluster has room for more', async () => {
    const dir = fs.mkdtempSync(path.join(sb.dir, 'arr-'));
    fs.mkdirSync(path.join(dir, 'running'));
    const task = `mkdir running/$GFLOW_ARRAY_TASK_ID; ls running | wc -l > seen.$GFLOW_ARRAY_TASK_ID; sleep 1; rmdir running/$GFLOW_ARRAY_TASK_ID`;
    const jobs = JSON.parse(await sb.ok('gflow', 'submit', '--array', '1-6%2', '--json', '--', 'bash', '-c', `cd ${dir} && ${task}`)) as Job[];
    assert.equal(jobs.length, 6);
    for (const j of jobs) {
      const done = await sb.waitEnded(j.id, 60_000);
      assert.equal(done.state, 'finished', `${JSON.stringify(done)}\n${await sb.gflow('log', String(j.id)).then((r) => r.stdout)}`);
    }
    const seen = jobs.map((j) => Number(fs.readFileSync(path.join(dir, `seen.${j.arrayTaskId}`), 'utf8')));
    assert.ok(Math.max(...seen) <= 2, `at most 2 at once, saw ${seen.join(',')}`);
    assert.ok(seen.includes(2), `two ran side by side: ${seen.join(',')}`);
  });

  it('refuses at submit what Slurm cannot express, and reports what Slurm refuses', async () => {
    const r = await sb.gflow('submit', '--gpus', '1', '--shared', '--gpu-memory', '2G', '--', 'true');
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /a GPU is not shared between jobs/);
    // This cluster has no GPUs: --gres=gpu:1 is passed through and Slurm says no.
    const id = await sb.submit('--gpus', '1', '--', 'true');
    const j = await sb.waitEnded(id);
    assert.equal(j.state, 'failed');
    assert.match(j.reason ?? '', /gres|generic resource|Requested node configuration/i);
  });

  /** Slurm's jobs (any state it still keeps) tagged for gflow job `id`. */
  async function submissionsOf(id: number): Promise<string[]> {
    const out = (await c.cmd('squeue', ['-h', '-t', 'all', '-o', '%i %k'])).stdout;
    return out.split('\n').filter((l) => new RegExp(`:${id}$`).test(l.trim()));
  }

  it('does not submit twice when the daemon is killed between "handed over" and sbatch', async () => {
    const count = path.join(sb.dir, 'runs-once');
    fs.writeFileSync(path.join(gate, 'hold'), '');
    const id = await sb.submit('--', 'bash', '-c', `echo run >> ${count}; exit 4`);
    await pollUntil(() => fs.existsSync(path.join(gate, 'entered')), { interval: 20, timeout: 20_000 });
    assert.equal((await sb.job(id)).state, 'running'); // recorded as handed over
    process.kill(await sb.daemonPid(), 'SIGKILL');
    // The submission the dead daemon started goes through after all.
    fs.rmSync(path.join(gate, 'hold'));
    await pollUntil(async () => (await submissionsOf(id)).length === 1, { interval: 50, timeout: { milliseconds: 20_000, message: `not submitted: ${fs.readdirSync(gate).join(',')} ${(await c.cmd('squeue', ['-h', '-t', 'all', '-o', '%i %T %k'])).stdout} ${fs.readFileSync(path.join(sb.stateDir, 'gflowd.log'), 'utf8').slice(-3000)}` } });
    fs.rmSync(path.join(gate, 'entered'));
    await up();
    const j = await sb.waitEnded(id);
    assert.equal(j.state, 'failed');
    assert.equal(j.exitCode, 4);
    assert.ok(j.slurmId);
    assert.equal(fs.readFileSync(count, 'utf8'), 'run\n');
    assert.equal((await submissionsOf(id)).length, 1);
  });

  it('marks a job lost, not submitted again, when the killed daemon never reached sbatch', async () => {
    fs.writeFileSync(path.join(gate, 'hold'), '');
    const id = await sb.submit('--', 'true');
    await pollUntil(() => fs.existsSync(path.join(gate, 'entered')), { interval: 20, timeout: 20_000 });
    process.kill(await sb.daemonPid(), 'SIGKILL');
    process.kill(Number(fs.readFileSync(path.join(gate, 'entered'), 'utf8')), 'SIGKILL');
    fs.rmSync(path.join(gate, 'hold'));
    fs.rmSync(path.join(gate, 'entered'));
    await up();
    const j = await sb.waitEnded(id);
    assert.equal(j.state, 'failed');
    assert.match(j.reason ?? '', /not submitted/);
    assert.deepEqual(await submissionsOf(id), []);
  });

  it('keeps Slurm jobs across a reload: the new daemon adopts them and records their ends', async () => {
    const go = path.join(sb.dir, 'reload-go');
    const id = await sb.submit('--', 'bash', '-c', `while [ ! -e ${go} ]; do sleep 0.05; done; exit 6`);
    const before = await sb.waitFor(id, (j) => j.node !== null);
    await sb.ok('gflowd', 'reload');
    fs.writeFileSync(go, '');
    const j = await sb.waitEnded(id);
    assert.equal(j.exitCode, 6);
    assert.equal(j.slurmId, before.slurmId);
    assert.equal((await submissionsOf(id)).length, 1);
  });

  it('attaches to the job\'s screen on its node through srun, and detaches with Ctrl-b d', async () => {
    const id = await sb.submit('--', 'bash', '-c', 'echo on-the-node-$SLURMD_NODENAME; sleep 300');
    await sb.waitFor(id, (j) => j.state === 'running' && j.node !== null);
    const term = pty.spawn(process.execPath, [BIN.gflow, 'attach', String(id)], { cols: 120, rows: 30, env: { ...(sb.env as Record<string, string>), TERM: 'xterm-256color' } });
    let screen = '';
    term.onData((d) => {
      screen += d;
    });
    const exited = new Promise<number>((r) => term.onExit(({ exitCode }) => r(exitCode)));
    try {
      await pollUntil(() => screen.includes(`on-the-node-${c.node}`), { interval: 50, timeout: { milliseconds: 20_000, message: `screen: ${JSON.stringify(screen)}` } });
    } finally {
      term.write('\x02d');
    }
    assert.equal(await exited, 0, screen);
    assert.equal((await sb.job(id)).state, 'running');
    await sb.ok('gflow', 'cancel', String(id));
    await sb.waitEnded(id);
  });

  it('follows a running job\'s log with log -f until it ends', async () => {
    const go = path.join(sb.dir, 'log-go');
    const id = await sb.submit('--', 'bash', '-c', `echo start; while [ ! -e ${go} ]; do sleep 0.05; done; echo end`);
    await sb.waitFor(id, (j) => j.node !== null);
    const follow = sb.run('gflow', ['log', '-f', String(id)]);
    fs.writeFileSync(go, '');
    const r = await follow;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'start\nend\n');
  });
});
