// Controlling jobs while they wait or run: send, limit, release --at.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pollUntil } from '../helpers/wait.js';
import type { Job } from '../../src/protocol/job.js';
import { Sandbox, useSandbox } from '../helpers/sandbox.js';

describe('controlling jobs', () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s), ['--cpus', '8']);

  it("types into a job's terminal", async () => {
    const id = await sb.submit('--', 'bash', '-c', 'read -r -p "name? " n; echo "hello $n"');
    await sb.waitFor(id, (j) => j.state === 'running');
    assert.match(await sb.ok('gflow', 'send', String(id), 'ada', '--enter'), new RegExp(`Sent 3 character\\(s\\) and Enter to job ${id}`));
    assert.equal((await sb.waitEnded(id)).state, 'finished');
    assert.match(await sb.ok('gflow', 'log', String(id)), /hello ada/);
    const r = await sb.gflow('send', String(id), 'x');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot send keys to job \d+: it is finished/);
  });

  it("changes an array's running cap while it runs", async () => {
    const gate = path.join(sb.dir, 'lim');
    const out = await sb.ok('gflow', 'submit', '--array', '1-4%1', '--', 'bash', '-c', `while [ ! -e ${gate} ]; do sleep 0.05; done`);
    const first = Number(/Submitted jobs (\d+)-/.exec(out)![1]);
    const ids = [0, 1, 2, 3].map((i) => String(first + i)).join(',');
    const running = async (): Promise<number> => (JSON.parse(await sb.ok('gflow', 'queue', '-j', ids, '--json')) as Job[]).filter((j) => j.state === 'running').length;
    await sb.waitFor(first, (j) => j.state === 'running');
    assert.match(await sb.ok('gflow', 'limit', String(first), '3'), /at most 3 at once/);
    await pollUntil(async () => (await running()) === 3, { interval: 50, timeout: 20_000 });
    assert.equal((await sb.job(first + 3)).reason, 'GroupLimit 3');
    const single = await sb.submit('--', 'true');
    assert.equal((await sb.gflow('limit', String(single), '2')).code, 1);
    assert.equal((await sb.gflow('limit', String(first), '0')).code, 2);
    fs.writeFileSync(gate, '');
    for (let i = 0; i < 4; i++) assert.equal((await sb.waitEnded(first + i)).state, 'finished');
  });

  it('releases a held job to start at a later time', async () => {
    const id = await sb.submit('--hold', '--', 'true');
    assert.match(await sb.ok('gflow', 'release', String(id), '--at', 'now+1h'), new RegExp(`Released job ${id} \\(starts no earlier than `));
    const job = await sb.waitFor(id, (j) => j.reason?.startsWith('BeginTime') ?? false);
    assert.equal(job.state, 'queued');
    assert.ok(Date.parse(job.beginAt!) > Date.now() + 50 * 60_000);
    await sb.ok('gflow', 'cancel', String(id));
  });
});
