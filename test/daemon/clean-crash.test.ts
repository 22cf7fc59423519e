// kill -9 of the daemon during `gflow clean`, after the jobs' records went and before their
// files did: the next daemon removes those files (a user's as that user), and nothing else.
// The kill comes from GFLOW_TEST_DIE_BEFORE_FILE_REMOVAL (src/daemon/file-removals.ts), at
// exactly that moment.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Job } from '../../src/protocol/job.js';
import { pollUntil } from '../helpers/wait.js';
import { Sandbox, testUsers, type TestUser } from '../helpers/sandbox.js';
import { requiresUsers } from '../helpers/requires.js';

const DIE = 'GFLOW_TEST_DIE_BEFORE_FILE_REMOVAL';

describe('kill -9 during gflow clean', () => {
  let sb: Sandbox;
  let die: string;
  before(async () => {
    sb = await Sandbox.create();
    die = path.join(sb.dir, 'die-before-file-removal');
    sb.env[DIE] = die;
    await sb.up('--cpus', '8');
  });
  after(async () => {
    await sb.cleanup();
  });

  it("removes the cleaned jobs' files at the next start, and only theirs", async () => {
    const out = await sb.ok('gflow', 'submit', '--json', '--array', '1-20', '--', 'bash', '-c', 'echo task $GFLOW_ARRAY_TASK_ID');
    const tasks = (JSON.parse(out) as Job[]).map((j) => j.id);
    const failed = await sb.submit('--', 'bash', '-c', 'echo kept; exit 3');
    for (const id of [...tasks, failed]) await sb.waitEnded(id);
    const logs = await Promise.all(tasks.map(async (id) => (await sb.job(id)).logPath));
    const status = tasks.map((id) => path.join(sb.stateDir, 'status', String(id)));
    const keptLog = (await sb.job(failed)).logPath;
    for (const f of [...logs, ...status, keptLog]) assert.ok(fs.existsSync(f), f);

    fs.writeFileSync(die, '');
    const r = await sb.gflow('clean', '--state', 'CD');
    assert.notEqual(r.code, 0, `the daemon was killed during the clean: ${r.stdout}`);
    assert.ok(!fs.existsSync(die), 'the daemon died where the test asked');
    assert.ok(logs.every((f) => fs.existsSync(f)), 'the kill came before the files went');

    await sb.up('--cpus', '8');
    await pollUntil(() => [...logs, ...status].every((f) => !fs.existsSync(f)), { timeout: 20_000 });
    const left = JSON.parse(await sb.ok('gflow', 'queue', '-a', '--json')) as Job[];
    assert.deepEqual(left.map((j) => j.id), [failed], 'the records went with the clean');
    assert.match(fs.readFileSync(keptLog, 'utf8'), /^kept\r?\n/, 'the other job keeps its log');
  });
});

const users = testUsers(['gflowcla', 'gflowclb']);

describe('kill -9 during a user\'s gflow clean on the shared daemon', requiresUsers(users), () => {
  let sb: Sandbox;
  let a: TestUser;
  let b: TestUser;
  let die: string;
  before(async () => {
    [a, b] = users as [TestUser, TestUser];
    sb = await Sandbox.shared(users!);
    die = path.join(sb.dir, 'die-before-file-removal');
    sb.env[DIE] = die;
    await sb.up('--cpus', '4');
  });
  after(async () => {
    await sb?.cleanup();
  });

  const submit = async (u: TestUser, ...args: string[]): Promise<number> => {
    const r = await sb.as(u, ['submit', '--json', ...args]);
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as Job).id;
  };
  const show = async (id: number): Promise<Job> => JSON.parse(await sb.ok('gflow', 'show', String(id), '--json')) as Job;
  const ended = (id: number): Promise<void> => pollUntil(async () => !['queued', 'hold', 'running'].includes((await show(id)).state), { interval: 50, timeout: 20_000 });

  it("removes the user's cleaned logs as the next daemon starts, and leaves everyone else's", async () => {
    const mine = [await submit(a, '--', 'echo', 'a1'), await submit(a, '--', 'echo', 'a2')];
    const theirs = await submit(b, '--', 'echo', 'b1');
    for (const id of [...mine, theirs]) await ended(id);
    const myLogs = await Promise.all(mine.map(async (id) => (await show(id)).logPath));
    const theirLog = (await show(theirs)).logPath;
    for (const f of [...myLogs, theirLog]) assert.ok(fs.existsSync(f), f);

    fs.writeFileSync(die, '');
    const r = await sb.as(a, ['clean']);
    assert.notEqual(r.code, 0, `the daemon was killed during the clean: ${r.stdout}`);
    assert.ok(myLogs.every((f) => fs.existsSync(f)), 'the kill came before the files went');

    await sb.up('--cpus', '4');
    await pollUntil(() => myLogs.every((f) => !fs.existsSync(f)), { timeout: 20_000 });
    assert.match(fs.readFileSync(theirLog, 'utf8'), /^b1\r?\n/, "another user's log stays");
    for (const id of mine) assert.equal((await sb.gflow('show', String(id))).code, 1, `job ${id} is gone`);
    assert.equal((await show(theirs)).state, 'finished');
  });
});
