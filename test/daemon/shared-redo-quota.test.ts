// A user of the shared daemon cannot get past max-queued by redoing or requeueing ended jobs:
// redo and requeue pass the same admission as submit, with the same refusal. The default
// max-queued of shared mode (the maxQueued setting) bounds users no quota names.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Job } from '../../src/protocol/job.js';
import { Sandbox, testUsers, type TestUser } from '../helpers/sandbox.js';
import { pollUntil } from '../helpers/wait.js';
import { requiresUsers } from '../helpers/requires.js';

const users = testUsers(['gflowq1', 'gflowq2']);

describe('shared daemon: max-queued holds against redo and requeue', requiresUsers(users), () => {
  let sb: Sandbox;
  let victim: TestUser;
  let attacker: TestUser;
  before(async () => {
    [victim, attacker] = users as [TestUser, TestUser];
    sb = await Sandbox.shared(users!);
    // The admin lowers the built-in default of 10000, as an admin may.
    sb.env.GFLOW_MAX_QUEUED = '3';
    await sb.up('--cpus', '2');
  });
  after(async () => {
    await sb?.cleanup();
  });

  const as = async (u: TestUser, ...args: string[]): Promise<string> => {
    const r = await sb.as(u, args);
    if (r.code !== 0) throw new Error(`gflow ${args.join(' ')} as ${u.name} exited ${r.code}\n${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  const submit = async (u: TestUser, ...args: string[]): Promise<Job> => JSON.parse(await as(u, 'submit', '--json', ...args)) as Job;
  const jobsOf = async (u: TestUser): Promise<Job[]> => (JSON.parse(await sb.ok('gflow', 'queue', '--all', '--json')) as Job[]).filter((j) => j.user === u.name);
  const waiting = async (u: TestUser): Promise<number> => (await jobsOf(u)).filter((j) => j.state === 'queued' || j.state === 'hold').length;
  const ended = async (id: number): Promise<Job> => {
    let last: Job | undefined;
    await pollUntil(async () => !['queued', 'hold', 'running'].includes((last = await sb.job(id)).state), { interval: 50, timeout: { milliseconds: 20_000, message: () => `job ${id}: ${JSON.stringify(last)}` } });
    return last!;
  };
  const cancelWaiting = async (u: TestUser): Promise<void> => {
    const ids = (await jobsOf(u)).filter((j) => j.state === 'queued' || j.state === 'hold').map((j) => String(j.id));
    if (ids.length) await as(u, 'cancel', ids.join(','));
  };
  const REFUSAL = (u: TestUser, max: number) => new RegExp(`user ${u.name} may have at most ${max} waiting \\(queued or held\\) jobs and has ${max}: a job more would exceed it\\n.*gflow quota list`);

  it('shows the default of shared mode as the default quota', async () => {
    assert.match(await as(attacker, 'quota', 'list'), /default \(users without their own\)\s+-\s+-\s+3/);
  });

  it('refuses a redo loop of one ended job after the quota, with the refusal a submission gets', async () => {
    const mine = await submit(victim, '--hold', '--', 'true');
    // More CPUs than the daemon has: every copy waits for good.
    const seed = await submit(attacker, '-c', '3', '--', 'true');
    await as(attacker, 'cancel', String(seed.id));
    const outcomes: { code: number; stderr: string }[] = [];
    for (let i = 0; i < 8; i++) outcomes.push(await sb.as(attacker, ['redo', String(seed.id)]));
    assert.deepEqual(outcomes.map((o) => o.code), [0, 0, 0, 1, 1, 1, 1, 1], outcomes.map((o) => o.stderr).join(''));
    for (const o of outcomes.slice(3)) assert.match(o.stderr, REFUSAL(attacker, 3));
    assert.equal(await waiting(attacker), 3);
    // A submission is refused the same way.
    const direct = await sb.as(attacker, ['submit', '--', 'true']);
    assert.equal(direct.code, 1);
    assert.match(direct.stderr, REFUSAL(attacker, 3));
    // The other user is untouched and still admitted.
    assert.equal((await sb.job(mine.id)).state, 'hold');
    await submit(victim, '--hold', '--', 'true');
    assert.equal(await waiting(victim), 2);
    await cancelWaiting(attacker);
    await cancelWaiting(victim);
  });

  it('counts a requeue against the quota a user of their own has, and changes nothing when it refuses', async () => {
    await sb.ok('gflow', 'quota', 'set', '--user', attacker.name, '--max-queued', '2');
    const failed = await ended((await submit(attacker, '--', 'false')).id);
    assert.equal(failed.state, 'failed');
    for (let i = 0; i < 2; i++) await submit(attacker, '--hold', '--', 'true');
    const r = await sb.as(attacker, ['requeue', String(failed.id)]);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, REFUSAL(attacker, 2));
    const after = await sb.job(failed.id);
    assert.equal(after.state, 'failed');
    assert.deepEqual([after.attempts.length, after.finishedAt], [failed.attempts.length, failed.finishedAt]);
    assert.equal(await waiting(attacker), 2);
    // With a place free it is taken back.
    await as(attacker, 'cancel', String((await jobsOf(attacker)).find((j) => j.state === 'hold')!.id));
    await as(attacker, 'requeue', String(failed.id));
    await ended(failed.id);
    await cancelWaiting(attacker);
    await sb.ok('gflow', 'quota', 'remove', '--user', attacker.name);
  });

  it('counts every job a cascading redo submits again', async () => {
    const parent = await ended((await submit(attacker, '--', 'false')).id);
    const child = await submit(attacker, '-d', String(parent.id), '--', 'true');
    await ended(child.id);
    for (let i = 0; i < 2; i++) await submit(attacker, '--hold', '--', 'true');
    // 2 waiting + 2 again > 3
    const r = await sb.as(attacker, ['redo', '--cascade', String(parent.id)]);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /user gflowq2 may have at most 3 waiting \(queued or held\) jobs and has 2: 2 jobs more would exceed it/);
    assert.equal(await waiting(attacker), 2);
  });

  it('keeps at most 256K of environment per waiting job (the shared default of maxEnv)', async () => {
    const big = Object.fromEntries(['BIG1', 'BIG2', 'BIG3'].map((k) => [k, 'x'.repeat(100_000)]));
    const before = await jobsOf(attacker);
    const r = await sb.as(attacker, ['submit', '--', 'true'], { env: big });
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stderr, /the environment is 29\d\.\dK; a waiting job keeps at most 256K of it on this machine \(the maxEnv setting\)\n.*--export/);
    assert.equal((await jobsOf(attacker)).length, before.length);
    const seed = (await jobsOf(attacker)).find((j) => !['queued', 'hold', 'running'].includes(j.state))!;
    assert.match((await sb.as(attacker, ['redo', String(seed.id)], { env: big })).stderr, /a waiting job keeps at most 256K/);
    await ended((await submit(attacker, '--export', 'PATH,HOME', '--', 'true')).id);
  });
});
