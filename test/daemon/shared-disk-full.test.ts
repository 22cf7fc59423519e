// A user of the shared daemon floods the state directory's disk with job output. The daemon
// refuses new jobs (and starts no queued ones) while less than minFree is free, saying what is
// full and what to do; it keeps answering, its database keeps writing (cancels work), and the
// other user's jobs are intact. The state directory is a small tmpfs of its own.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Job } from '../../src/protocol/job.js';
import { freeBytes } from '../../src/daemon/storage-guard.js';
import { Sandbox, testUsers, type TestUser } from '../helpers/sandbox.js';
import { pollUntil } from '../helpers/wait.js';
import { requiresUsers } from '../helpers/requires.js';

const users = testUsers(['gflowf1', 'gflowf2']);

const MB = 1024 * 1024;
const FULL = /the disk of gflow's state directory .* \(its database and job logs\) has [\d.]+[KM]? free, less than the 12M kept so that the database can always write: new jobs are refused until there is room\n\s+hint: `gflow clean` removes your ended jobs and their logs/;

describe('shared daemon: a user fills the state directory\'s disk', requiresUsers(users), () => {
  let sb: Sandbox;
  let victim: TestUser;
  let attacker: TestUser;
  let disk: string;
  before(async () => {
    [victim, attacker] = users as [TestUser, TestUser];
    disk = fs.mkdtempSync(path.join(os.tmpdir(), 'gflow-disk-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=32m,mode=0755', 'tmpfs', disk]);
    sb = await Sandbox.shared(users!);
    Object.assign(sb.env, { GFLOW_SHARED_DIR: path.join(disk, 'shared'), GFLOW_MIN_FREE: '12M', GFLOW_MAX_LOG: '2M' });
    await sb.up('--cpus', '2');
  });
  after(async () => {
    await sb?.cleanup();
    if (!disk) return;
    // The users' last processes may still hold a file there for a moment.
    await pollUntil(() => spawnSync('umount', [disk]).status === 0, { interval: 100, timeout: { milliseconds: 10_000, message: `cannot unmount ${disk}` } });
    fs.rmdirSync(disk);
  });

  const as = async (u: TestUser, ...args: string[]): Promise<string> => {
    const r = await sb.as(u, args);
    if (r.code !== 0) throw new Error(`gflow ${args.join(' ')} as ${u.name} exited ${r.code}\n${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  const submit = async (u: TestUser, ...args: string[]): Promise<Job> => JSON.parse(await as(u, 'submit', '--json', ...args)) as Job;
  const jobsOf = async (u: TestUser): Promise<Job[]> => (JSON.parse(await sb.ok('gflow', 'queue', '--all', '--json')) as Job[]).filter((j) => j.user === u.name);
  const daemonLog = (): string => fs.readFileSync(path.join(disk, 'shared', 'gflowd.log'), 'utf8');

  it('refuses new jobs before the database cannot write, and keeps serving and recording', async () => {
    const held = await submit(victim, '--hold', '--', 'true');
    const running = await submit(victim, '--', 'bash', '-c', 'echo victim-output; exec sleep 300');
    await sb.waitFor(running.id, (j) => j.state === 'running');
    // 20 jobs of 3 MB of output each, cut at the 2M log cap: more than the 32M disk holds. Let
    // go at once (held first), they run one after the other in the free CPU slot.
    const flood: Job[] = [];
    for (let i = 0; i < 20; i++) flood.push(await submit(attacker, '--hold', '--', 'bash', '-c', 'yes gflow-flood-line | head -c 3000000'));
    await as(attacker, 'release', flood.map((j) => String(j.id)).join(','));
    await pollUntil(() => freeBytes(disk)! < 12 * MB, { interval: 50, timeout: { milliseconds: 60_000, message: () => `the flood did not fill the disk: ${freeBytes(disk)} bytes free\n${daemonLog().slice(-2000)}` } });

    // New work is refused with what is full and what to do: a submission, a redo, anyone's.
    const refused = await sb.as(attacker, ['submit', '--', 'true']);
    assert.equal(refused.code, 1, refused.stdout);
    assert.match(refused.stderr, FULL);
    const ended = (await jobsOf(attacker)).find((j) => j.state === 'finished')!;
    assert.match((await sb.as(attacker, ['redo', String(ended.id)])).stderr, FULL);
    assert.match((await sb.as(victim, ['submit', '--', 'true'])).stderr, FULL);
    assert.match(daemonLog(), /WARN\s+the disk of gflow's state directory .* less than the 12M kept so that the database can always write: new jobs are refused and queued jobs wait until there is room/);

    // No queued job starts: once the one that runs has ended, the rest of the flood waits.
    await pollUntil(async () => !(await jobsOf(attacker)).some((j) => j.state === 'running'), { interval: 100, timeout: 30_000 });
    const queued = (await jobsOf(attacker)).filter((j) => j.state === 'queued');
    assert.ok(queued.length > 0, 'the whole flood ran');
    assert.ok(freeBytes(disk)! > 12 * MB - 3 * MB, `only ${freeBytes(disk)} bytes left`);

    // The daemon answers, the database records, the victim's jobs are as they were.
    assert.equal((await sb.job(held.id)).state, 'hold');
    assert.equal((await sb.job(running.id)).state, 'running');
    assert.equal(await as(victim, 'log', String(running.id)), 'victim-output\n');
    await as(victim, 'cancel', String(held.id));
    await as(victim, 'cancel', String(running.id));
    assert.equal((await sb.job(held.id)).state, 'cancelled');
    assert.equal((await sb.waitEnded(running.id)).state, 'cancelled');
    await as(attacker, 'cancel', queued.map((j) => String(j.id)).join(','));

    // What the refusal says to do works: cleaning the flood's logs makes room again.
    await as(attacker, 'clean');
    assert.ok(freeBytes(disk)! >= 12 * MB, `${freeBytes(disk)} bytes free after clean`);
    const again = await submit(attacker, '--', 'true');
    assert.equal((await sb.waitEnded(again.id)).state, 'finished');
    assert.match(daemonLog(), /INFO\s+the disk of .* free again: new jobs are taken and started/);
  });
});
