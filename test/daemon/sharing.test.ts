// Sharing a machine, end to end with real daemons: projects, quotas, fair-share accounting,
// memory admission and reservations. Personal mode: the caller is the daemon's owner and an
// admin; other users appear only as reservation holders.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { UsageResponse } from '../../src/protocol/api.js';
import type { Job } from '../../src/protocol/job.js';
import { Sandbox } from '../helpers/sandbox.js';

const me = os.userInfo().username;
const gate = (file: string): string => `while [ ! -e ${file} ]; do sleep 0.05; done`;

describe('projects, quotas, fair share and memory', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await Sandbox.create({ GFLOW_PROJECTS: 'vision,nlp', GFLOW_PROJECT_REQUIRED: 'true' });
    await sb.up('--cpus', '4');
  });
  after(async () => {
    await sb.cleanup();
  });
  const open = (name: string): void => fs.writeFileSync(path.join(sb.dir, name), '');
  const count = async (): Promise<number> => (JSON.parse(await sb.ok('gflow', 'queue', '-a', '--json')) as Job[]).length;

  it('refuses a job without a project, or with an unknown one, naming the allowed ones', async () => {
    const none = await sb.gflow('submit', '--', 'true');
    assert.equal(none.code, 2, none.stderr);
    assert.match(none.stderr, /^gflow: this machine requires a project for every job\n {2}hint: add -P NAME \(projects on this machine: vision, nlp\)\n$/);
    const bad = await sb.gflow('submit', '-P', 'audio', '--', 'true');
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /unknown project 'audio'\n {2}hint: projects on this machine: vision, nlp/);
    assert.equal(await count(), 0, 'nothing queued');
  });

  it('records the project from -P and from a # GFLOW directive, and shows it with the user', async () => {
    const a = await sb.submit('-P', 'vision', '--hold', '--', 'true');
    const script = path.join(sb.dir, 'job.sh');
    fs.writeFileSync(script, '#!/bin/bash\n# GFLOW --project=nlp --hold\ntrue\n');
    const b = await sb.submit(script);
    assert.equal((await sb.job(a)).project, 'vision');
    assert.equal((await sb.job(b)).project, 'nlp');
    assert.match(await sb.ok('gflow', 'show', String(b)), /^Project: +nlp$/m);
    const table = await sb.ok('gflow', 'queue');
    assert.match(table.split('\n')[0]!, /^JOBID\s+NAME\s+USER\s+PROJECT\s+ST\s/);
    assert.match(table, new RegExp(`^${a}\\s+true\\s+${me}\\s+vision\\s+H\\s`, 'm'));
    // squeue's default: every user's jobs; -u narrows them.
    assert.equal((JSON.parse(await sb.ok('gflow', 'queue', '-u', 'nobody', '--json')) as Job[]).length, 0);
    assert.equal((JSON.parse(await sb.ok('gflow', 'queue', '-u', me, '--json')) as Job[]).length, 2);
    await sb.ok('gflow', 'cancel', `${a},${b}`);
  });

  it('makes a job over the running-jobs quota wait with (Quota), and explains the limit', async () => {
    await sb.ok('gflow', 'quota', 'set', '--user', me, '--max-running', '1');
    assert.match(await sb.ok('gflow', 'quota', 'list'), new RegExp(`^user ${me}\\s+1\\s+-\\s+-$`, 'm'));
    const a = await sb.submit('-P', 'vision', '--', 'bash', '-c', gate('q1'));
    const b = await sb.submit('-P', 'vision', '--', 'true');
    await sb.waitFor(a, (j) => j.state === 'running');
    await sb.waitFor(b, (j) => j.reason === 'Quota');
    assert.match(await sb.ok('gflow', 'queue'), new RegExp(`^${b}\\s.*PD\\s.*\\(Quota\\)$`, 'm'));
    assert.match(await sb.ok('gflow', 'why', String(b)), new RegExp(`quota: user ${me} may run at most 1 job\\(s\\) at once and runs 1`));
    open('q1');
    await sb.waitEnded(b);
    await sb.ok('gflow', 'quota', 'remove', '--user', me);
    assert.equal((await sb.ok('gflow', 'quota', 'list')).trim(), 'no quotas');
  });

  it('refuses a submission over the max-queued quota, counting an array by its tasks', async () => {
    await sb.ok('gflow', 'quota', 'set', '--project', 'nlp', '--max-queued', '3');
    const before0 = await count();
    const r = await sb.gflow('submit', '-P', 'nlp', '--hold', '--array', '1-4', '--', 'true');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /project nlp may have at most 3 waiting \(queued or held\) jobs and has 0: 4 jobs more would exceed it/);
    assert.equal(await count(), before0, 'nothing queued');
    await sb.ok('gflow', 'submit', '-P', 'nlp', '--hold', '--array', '1-3', '--', 'true');
    await sb.ok('gflow', 'cancel', '@');
    await sb.ok('gflow', 'quota', 'remove', '--project', 'nlp');
  });

  it("records each ended job's CPU-hours for its owner (gflow share)", async () => {
    const id = await sb.submit('-P', 'nlp', '-c', '2', '--', 'true');
    await sb.waitEnded(id);
    const share = JSON.parse(await sb.ok('gflow', 'share', '--json')) as UsageResponse;
    const mine = share.users.find((u) => u.user === me)!;
    assert.ok(mine.cpuHours > 0, JSON.stringify(mine));
    assert.equal(mine.gpuHours, 0);
    assert.ok(mine.jobs >= 3, 'every job that ran counts');
    assert.deepEqual([share.halfLifeHours, share.gpuWeight], [168, 10]);
    assert.match(await sb.ok('gflow', 'share'), new RegExp(`^USER\\s+USAGE\\s+CPU-HOURS[^\\n]*\\n${me}\\s`, 'm'));
  });

  it('admits --mem against free memory, and gives the job GFLOW_MEM_MB', async () => {
    const big = await sb.submit('-P', 'nlp', '--mem', '100T', '--', 'true');
    await sb.waitFor(big, (j) => j.reason === 'Memory');
    assert.match(await sb.ok('gflow', 'why', String(big)), /needs 102400\.0 GiB of memory \(--mem\), but the machine has .* in all/);
    await sb.ok('gflow', 'cancel', String(big));
    const small = await sb.submit('-P', 'nlp', '-m', '64M', '--', 'bash', '-c', 'echo "mem=$GFLOW_MEM_MB"');
    assert.equal((await sb.waitEnded(small)).state, 'finished');
    assert.equal(await sb.ok('gflow', 'log', String(small)), 'mem=64\n');
    const both = await sb.gflow('submit', '-P', 'nlp', '--mem', '1G', '-m', '1G', '--', 'true');
    assert.equal(both.code, 2);
  });
});

describe('reservations', () => {
  let sb: Sandbox;
  before(async () => {
    ({ sb } = await Sandbox.withGpus([{ index: 0 }]));
    await sb.up('--cpus', '4');
  });
  after(async () => {
    await sb.cleanup();
  });

  it("keeps a reserved GPU from the owner's jobs during the window only, and starts them when it ends", async () => {
    const made = JSON.parse(await sb.ok('gflow', 'reserve', 'create', '--user', 'nobody', '--gpu-spec', '0', '--start', 'now+2', '--duration', '0:03', '--json')) as { id: number; startAt: number; endAt: number };
    // Before the window the GPU is anyone's.
    const early = await sb.submit('-g', '1', '--', 'true');
    const ran = await sb.waitEnded(early);
    assert.deepEqual([ran.state, ran.gpuIds], ['finished', [0]]);
    assert.ok(Date.parse(ran.startedAt!) < made.startAt);
    // A job that may start only once the window has begun waits for it to end.
    const begin = new Date(Math.ceil((made.startAt + 1) / 1000) * 1000);
    const two = (n: number): string => String(n).padStart(2, '0');
    const at = `${begin.getFullYear()}-${two(begin.getMonth() + 1)}-${two(begin.getDate())}T${two(begin.getHours())}:${two(begin.getMinutes())}:${two(begin.getSeconds())}`;
    const late = await sb.submit('-g', '1', '--begin', at, '--', 'true');
    await sb.waitFor(late, (j) => j.reason === `Reservation ${made.id}`);
    assert.match(await sb.ok('gflow', 'why', String(late)), new RegExp(`reserved for nobody until .* \\(reservation ${made.id};`));
    const done = await sb.waitEnded(late);
    assert.equal(done.state, 'finished');
    assert.ok(Date.parse(done.startedAt!) >= made.endAt, `started ${done.startedAt}, window ended ${new Date(made.endAt).toISOString()}`);
  });

  it('refuses overlapping reservations of the same GPU, lists them on a timeline, and cancels', async () => {
    const id = Number(/Reservation (\d+)/.exec(await sb.ok('gflow', 'reserve', 'create', '--user', 'nobody', '--gpus', '1', '--start', 'now+1h', '--duration', '2:00:00'))![1]);
    const clash = await sb.gflow('reserve', 'create', '--user', 'daemon', '--gpu-spec', '0', '--start', 'now+2h', '--duration', '60');
    assert.equal(clash.code, 1);
    assert.match(clash.stderr, /cannot reserve: 2 GPUs would be reserved at once \(with reservation \d+\), but gflow may use 1/);
    const timeline = await sb.ok('gflow', 'reserve', 'list', '--timeline');
    assert.match(timeline, /^GPU 0 +·+$/m);
    assert.match(timeline, /^any ×1 +·+A+·*$/m);
    assert.match(timeline, new RegExp(`^A = reservation ${id}: nobody, `, 'm'));
    await sb.ok('gflow', 'reserve', 'cancel', String(id));
    assert.equal((await sb.ok('gflow', 'reserve', 'list')).trim(), 'no reservations');
    const again = await sb.gflow('reserve', 'cancel', String(id));
    assert.equal(again.code, 1);
    assert.match(again.stderr, /reservation \d+ does not exist or was cancelled/);
  });
});
