// GPUs, dependencies, arrays, sweeps, retries, update and redo: real daemon, real tmux,
// fake nvidia-smi.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pollUntil } from '../helpers/wait.js';
import type { Job } from '../../src/protocol/job.js';
import type { FakeNvidiaSmi } from '../helpers/fake-nvidia-smi.js';
import { Sandbox, useSandbox } from '../helpers/sandbox.js';

const gate = (name: string, then = 'exit 0'): string => `while [ ! -e ${name} ]; do sleep 0.05; done; ${then}`;

describe('GPU scheduling', () => {
  let sb: Sandbox;
  let smi: FakeNvidiaSmi;
  before(async () => {
    ({ sb, smi } = await Sandbox.withGpus([{ index: 0 }, { index: 1 }]));
    await sb.up('--cpus', '8');
  });
  after(async () => {
    await sb.cleanup();
  });
  const open = (name: string): void => fs.writeFileSync(path.join(sb.dir, name), '');

  it('gives two one-GPU jobs different GPUs and makes the third wait, saying why', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await sb.submit('-g', '1', '--', 'bash', '-c', `echo "gpu=$CUDA_VISIBLE_DEVICES/$GFLOW_GPUS"; ${gate('g1')}`));
    const [a, b] = await Promise.all(ids.slice(0, 2).map((id) => sb.waitFor(id, (j) => j.state === 'running')));
    assert.deepEqual([...a!.gpuIds!, ...b!.gpuIds!].sort(), [0, 1]);
    const third = await sb.job(ids[2]!);
    assert.equal(third.state, 'queued');
    const why = await sb.ok('gflow', 'why', String(ids[2]));
    assert.match(why, /needs 1 GPU\(s\); 0 available/);
    assert.match(why, new RegExp(`GPU 0: held by job ${a!.gpuIds![0] === 0 ? a!.id : b!.id}`));
    assert.match(await sb.ok('gflow', 'info'), new RegExp(`job ${a!.id} \\(${os.userInfo().username}\\)`), 'gflow info names who holds each GPU');
    open('g1');
    const ends = await Promise.all(ids.map((id) => sb.waitEnded(id)));
    for (const j of ends) assert.equal(await sb.ok('gflow', 'log', String(j.id)), `gpu=${j.gpuIds!.join(',')}/${j.gpuIds!.join(',')}\n`);
  });

  it('co-locates shared jobs within the GPU memory', async () => {
    await sb.ok('gflow', 'gpu', 'allow', '0');
    try {
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push(await sb.submit('--shared', '--gpu-memory', '10G', '--', 'bash', '-c', gate('g2')));
      await Promise.all(ids.slice(0, 2).map((id) => sb.waitFor(id, (j) => j.state === 'running')));
      const third = await sb.job(ids[2]!);
      assert.equal(third.state, 'queued');
      assert.equal(third.reason, 'WaitingForGpu');
      for (const id of ids.slice(0, 2)) assert.deepEqual((await sb.job(id)).gpuIds, [0]);
      open('g2');
      for (const id of ids) assert.equal((await sb.waitEnded(id)).state, 'finished');
    } finally {
      await sb.ok('gflow', 'gpu', 'allow', 'all');
    }
  });

  it('keeps a GPU used by a foreign process free until that process is ignored', async () => {
    const foreign = spawn('sleep', ['300']);
    try {
      smi.setProcesses([{ index: 0, pid: foreign.pid!, usedMb: 642 }]);
      const first = await sb.submit('-g', '1', '--', 'bash', '-c', gate('g3'));
      const second = await sb.submit('-g', '1', '--', 'bash', '-c', gate('g3'));
      assert.deepEqual((await sb.waitFor(first, (j) => j.state === 'running')).gpuIds, [1]);
      assert.match(await sb.ok('gflow', 'why', String(second)), new RegExp(`GPU 0: used by PID ${foreign.pid}, not started by gflow`));
      assert.match(await sb.ok('gflow', 'info'), new RegExp(`pid ${foreign.pid} \\(not gflow, 642 MiB\\)`));
      await sb.ok('gflow', 'gpu', 'ignore', '0', String(foreign.pid));
      assert.deepEqual((await sb.waitFor(second, (j) => j.state === 'running')).gpuIds, [0]);
      open('g3');
      await Promise.all([first, second].map((id) => sb.waitEnded(id)));
    } finally {
      foreign.kill('SIGKILL');
      smi.setProcesses([]);
    }
  });

  it('schedules by CPU only when nvidia-smi fails, and says so', async () => {
    smi.setFailing(true);
    try {
      const cpu = await sb.submit('--', 'true');
      const gpuJob = await sb.submit('-g', '1', '--', 'true');
      assert.equal((await sb.waitEnded(cpu)).state, 'finished');
      const w = await sb.waitFor(gpuJob, (j) => j.reason !== null);
      assert.match(w.reason!, /needs 1 GPUs, 0 usable/);
      assert.match(fs.readFileSync(path.join(sb.stateDir, 'gflowd.log'), 'utf8'), /WARN\s+no GPUs: nvidia-smi: NVIDIA-SMI has failed/);
      smi.setFailing(false);
      // The next pass refreshes the inventory before allocating; a change to the queue makes one.
      await sb.gflow('update', String(gpuJob), '--priority', '1');
      assert.equal((await sb.waitEnded(gpuJob)).state, 'finished');
    } finally {
      smi.setFailing(false);
    }
  });
});

describe('dependencies, arrays, sweeps, retries', () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s), ['--cpus', '4']);
  const open = (name: string): void => fs.writeFileSync(path.join(sb.dir, name), '');

  it('cancels the chain of a failed job, transitively', async () => {
    const a = await sb.submit('--', 'bash', '-c', 'exit 1');
    const b = await sb.submit('-d', String(a), '--', 'true');
    const c = await sb.submit('-d', '@', '--', 'true');
    const keep = await sb.submit('--no-auto-cancel', '-d', String(a), '--', 'true');
    assert.equal((await sb.waitEnded(b)).reason, `dependency ${a} failed`);
    assert.equal((await sb.waitEnded(c)).reason, `dependency ${b} failed`);
    const waiting = await sb.waitFor(keep, (j) => j.reason !== null);
    assert.equal(waiting.state, 'queued');
    assert.match(waiting.reason!, new RegExp(`DependencyNeverSatisfied ${a}`));
    const tree = await sb.ok('gflow', 'queue', '-a', '-t', '-j', `${a},${b},${c}`);
    assert.match(tree, new RegExp(`${a} bash F\\n└─ ${b} true CA\\n   └─ ${c} true CA`));
    await sb.ok('gflow', 'cancel', String(keep));
  });

  it('starts an any-dependency job when one parent succeeded', async () => {
    const bad = await sb.submit('--', 'bash', '-c', 'exit 2');
    const good = await sb.submit('--', 'true');
    const child = await sb.submit('--depends-on-any', `${bad},${good}`, '--', 'true');
    assert.equal((await sb.waitEnded(child)).state, 'finished');
  });

  it('refuses unknown dependencies at submit', async () => {
    const r = await sb.gflow('submit', '-d', '99999', '--', 'true');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /dependency 99999 does not exist/);
  });

  it('runs array tasks with their ids, at most %N at once', async () => {
    const out = await sb.ok('gflow', 'submit', '--array', '1-5%2', '--json', '--', 'bash', '-c', `echo task=$GFLOW_ARRAY_TASK_ID; ${gate('g-arr')}`);
    const jobs = JSON.parse(out) as Job[];
    assert.deepEqual(jobs.map((j) => j.arrayTaskId), [1, 2, 3, 4, 5]);
    await pollUntil(async () => (JSON.parse(await sb.ok('gflow', 'queue', '-s', 'R', '--json')) as Job[]).length === 2, { timeout: 10_000 });
    const queued = JSON.parse(await sb.ok('gflow', 'queue', '-s', 'PD', '--json')) as Job[];
    assert.equal(queued.length, 3);
    assert.ok(queued.every((j) => j.reason === 'GroupLimit 2'), JSON.stringify(queued.map((j) => j.reason)));
    open('g-arr');
    for (const j of jobs) assert.equal(await sb.ok('gflow', 'log', '--first', '1', String((await sb.waitEnded(j.id)).id)), `task=${j.arrayTaskId}\n`);
  });

  it('substitutes sweep parameters and leaves ${HOME} alone', async () => {
    const out = await sb.ok('gflow', 'submit', '--json', '--param', 'lr=0.1,0.01', '--param', 'bs=32,64', '--name-template', 'lr{lr}-bs{bs}', '--', 'echo {lr} {bs} {nope} ${HOME}');
    const jobs = JSON.parse(out) as Job[];
    assert.deepEqual(jobs.map((j) => j.name), ['lr0.1-bs32', 'lr0.1-bs64', 'lr0.01-bs32', 'lr0.01-bs64']);
    assert.deepEqual(jobs[0]!.command, ['/bin/bash', '-c', 'echo 0.1 32 {nope} ${HOME}']);
    const done = await sb.waitEnded(jobs[3]!.id);
    assert.equal(await sb.ok('gflow', 'log', String(done.id)), `0.01 64 {nope} ${sb.env.HOME}\n`);
  });

  it('makes -d @ after a sweep wait for all of its tasks, and substitutes a script\'s {names}', async () => {
    const script = path.join(sb.dir, 'sweep.sh');
    fs.writeFileSync(script, `#!/bin/bash\n# GFLOW --param=n=1:3\necho "n={n} left={other} \${HOME}"\n${gate('g-sweep')}\n`);
    const tasks = JSON.parse(await sb.ok('gflow', 'submit', '--json', script)) as Job[];
    assert.equal(tasks.length, 3);
    const after = JSON.parse(await sb.ok('gflow', 'submit', '--json', '-d', '@', '--', 'true')) as Job;
    assert.deepEqual(after.dependsOn, tasks.map((t) => t.id));
    open('g-sweep');
    for (const [i, t] of tasks.entries()) assert.equal(await sb.ok('gflow', 'log', String((await sb.waitEnded(t.id)).id)), `n=${i + 1} left={other} ${sb.env.HOME}\n`);
    assert.equal((await sb.waitEnded(after.id)).state, 'finished');
  });

  it('gives a job that asked for no GPU an empty CUDA_VISIBLE_DEVICES', async () => {
    const id = await sb.submit('--', 'bash', '-c', 'echo "[${CUDA_VISIBLE_DEVICES-unset}]"');
    await sb.waitEnded(id);
    assert.equal(await sb.ok('gflow', 'log', String(id)), '[]\n');
  });

  it('commits a batch all or nothing', async () => {
    const before = (JSON.parse(await sb.ok('gflow', 'queue', '-a', '--json')) as Job[]).length;
    const r = await sb.gflow('submit', '--array', '1-3', '-d', '424242', '--', 'true');
    assert.equal(r.code, 2);
    assert.equal((JSON.parse(await sb.ok('gflow', 'queue', '-a', '--json')) as Job[]).length, before);
  });

  it('retries a failed job as new jobs, and dependents follow the retry', async () => {
    const counter = path.join(sb.dir, 'attempts');
    const id = await sb.submit('--max-retries', '2', '--', 'bash', '-c', `echo x >> ${counter}; [ $(wc -l < ${counter}) -ge 3 ]`);
    const dependent = await sb.submit('-d', String(id), '--', 'true');
    assert.equal((await sb.waitEnded(dependent)).state, 'finished');
    const all = JSON.parse(await sb.ok('gflow', 'queue', '-a', '--json')) as Job[];
    const chain = all.filter((j) => j.id === id || j.retriedFrom !== null);
    const second = chain.find((j) => j.retriedFrom === id)!;
    const third = chain.find((j) => j.retriedFrom === second.id)!;
    assert.deepEqual([all.find((j) => j.id === id)!.state, second.state, third.state], ['failed', 'failed', 'finished']);
    assert.deepEqual((await sb.job(dependent)).dependsOn, [third.id]);
  });

  it('updates only queued or held jobs, and refuses cycles', async () => {
    const running = await sb.submit('--', 'bash', '-c', gate('g-upd'));
    await sb.waitFor(running, (j) => j.state === 'running');
    const r = await sb.gflow('update', String(running), '--priority', '9');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot update job \d+: it is running/);
    const a = await sb.submit('--hold', '--', 'true');
    const b = await sb.submit('--hold', '-d', String(a), '--', 'true');
    const cyc = await sb.gflow('update', String(a), '-d', String(b));
    assert.equal(cyc.code, 1);
    assert.match(cyc.stderr, /dependency cycle/);
    await sb.ok('gflow', 'update', String(a), '--priority', '3', '--time', '10');
    const updated = await sb.job(a);
    assert.equal(updated.priority, 3);
    assert.equal(updated.timeLimitSec, 600);
    open('g-upd');
    await sb.ok('gflow', 'cancel', `${a},${b}`);
    await sb.waitEnded(running);
  });

  it('redoes a failed job with --cascade, rewiring the dependents it had cancelled', async () => {
    const flag = path.join(sb.dir, 'redo-ok');
    const parent = await sb.submit('--', 'bash', '-c', `[ -e ${flag} ]`);
    const child = await sb.submit('-d', String(parent), '--', 'true');
    const grandchild = await sb.submit('-d', String(child), '--', 'true');
    await sb.waitEnded(grandchild);
    fs.writeFileSync(flag, '');
    const out = JSON.parse(await sb.ok('gflow', 'redo', String(parent), '--cascade', '--json')) as Job[];
    assert.equal(out.length, 3);
    const [p2, c2, g2] = out;
    assert.equal(p2!.redoneFrom, parent);
    assert.deepEqual(c2!.dependsOn, [p2!.id]);
    assert.deepEqual(g2!.dependsOn, [c2!.id]);
    for (const j of out) assert.equal((await sb.waitEnded(j.id)).state, 'finished');
    const again = await sb.gflow('redo', String(p2!.id));
    assert.equal(again.code, 0);
  });

  it('defers a job with --begin and says so in the queue', async () => {
    const id = await sb.submit('--begin', 'now+2s', '--', 'true');
    const waiting = await sb.waitFor(id, (j) => j.reason !== null);
    assert.match(waiting.reason!, /^BeginTime /);
    const done = await sb.waitEnded(id);
    assert.ok(Date.parse(done.startedAt!) >= Date.parse(done.beginAt!));
  });
});
