// cancel / hold / release of many jobs: one request, one transaction; each job reported.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Job } from '../../src/protocol/job.js';
import type { GflowEvent } from '../../src/protocol/events.js';
import { Sandbox } from '../helpers/sandbox.js';

describe('actions on many jobs', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await Sandbox.create();
    await sb.up('--cpus', '1');
  });
  after(async () => {
    await sb.cleanup();
  });

  it('holds, releases and cancels a 2,000-task array by range in one request each', async () => {
    const blocker = await sb.submit('--', 'sleep', '300');
    await sb.waitFor(blocker, (j) => j.state === 'running');
    const jobs = JSON.parse(await sb.ok('gflow', 'submit', '--json', '--array', '1-2000', '--', 'true')) as Job[];
    const range = `${jobs[0]!.id}-${jobs[jobs.length - 1]!.id}`;
    const before = (await sb.ok('gflow', 'events', '-n', '1', '--json')).trim();
    const held = await sb.ok('gflow', 'hold', range);
    assert.equal(held.split('\n').filter((l) => l.startsWith('Held job')).length, 2000);
    assert.equal((await sb.ok('gflow', 'release', '@')).split('\n').filter((l) => l.startsWith('Released job')).length, 2000);
    const r = await sb.gflow('cancel', `${blocker},${range},999999`);
    assert.equal(r.code, 1); // job 999999 does not exist: said, and the others are cancelled
    assert.match(r.stderr, /job 999999 does not exist/);
    assert.match(r.stdout, new RegExp(`Cancelling job ${blocker} `));
    assert.equal(r.stdout.split('\n').filter((l) => l.startsWith('Cancelled job')).length, 2000);
    const all = JSON.parse(await sb.ok('gflow', 'queue', '--json', '-a')) as Job[];
    const mine = new Set(jobs.map((j) => j.id));
    assert.equal(all.filter((j) => mine.has(j.id) && j.state === 'cancelled').length, 2000);
    // One event per job and action, in order.
    const after = (JSON.parse(before) as GflowEvent).id;
    const events = (await sb.ok('gflow', 'events', '--json', '--after', String(after), '-n', '100000')).trim().split('\n').map((l) => JSON.parse(l) as GflowEvent);
    assert.equal(events.filter((e) => e.type === 'job.held').length, 2000);
    assert.equal(events.filter((e) => e.type === 'job.released').length, 2000);
    assert.equal(events.filter((e) => e.type === 'job.cancelled' && mine.has(e.job!)).length, 2000);
  });

  it("cancels what is left of an array, skipping the tasks that ended, in one line and exit 0", async () => {
    const jobs = JSON.parse(await sb.ok('gflow', 'submit', '--json', '--array', '1-6', '--', 'bash', '-c', '[ "$GFLOW_ARRAY_TASK_ID" -le 2 ] || sleep 300')) as Job[];
    for (const j of jobs.slice(0, 2)) assert.equal((await sb.waitEnded(j.id)).state, 'finished');
    const r = await sb.gflow('cancel', '@');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, new RegExp(`Skipped 2 jobs it does not apply to \\(cannot cancel job ${jobs[0]!.id}: it is finished, …\\)`));
    for (const j of jobs.slice(2)) assert.equal((await sb.waitEnded(j.id)).state, 'cancelled');
    // One job asked for by its id still gets its error.
    const one = await sb.gflow('cancel', String(jobs[0]!.id));
    assert.equal(one.code, 1);
    assert.match(one.stderr, /it is finished/);
  });

  it('refuses a bad request whole and changes nothing', async () => {
    const id = await sb.submit('--hold', '--', 'true');
    const r = await fetch(`http://127.0.0.1:${sb.port}/v1/jobs/actions`, { method: 'POST', body: JSON.stringify({ action: 'explode', ids: [id] }) });
    assert.equal(r.status, 401);
    const bad = await sb.gflow('release', '0');
    assert.equal(bad.code, 2);
    assert.equal((await sb.job(id)).state, 'hold');
  });
});
