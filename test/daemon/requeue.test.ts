// Requeue: the same id runs again; earlier runs stay in `show`.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Sandbox, useSandbox } from '../helpers/sandbox.js';

describe('requeue', () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s), ['--cpus', '4']);
  // Fails the first time, succeeds the second.
  const flaky = (name: string): string => `if [ -e ${path.join(sb.dir, name)} ]; then echo second; else touch ${path.join(sb.dir, name)}; echo first; exit 3; fi`;

  it('puts a failed job back under its id by hand, keeping the first run and its log', async () => {
    const id = await sb.submit('--', 'bash', '-c', flaky('r1'));
    assert.equal((await sb.waitEnded(id)).state, 'failed');
    assert.equal(await sb.ok('gflow', 'requeue', String(id)), `Requeued job ${id}\n`);
    const job = await sb.waitFor(id, (j) => j.state === 'finished');
    assert.equal(job.attempts.length, 1);
    assert.deepEqual([job.attempts[0]!.state, job.attempts[0]!.exitCode], ['failed', 3]);
    assert.equal(await sb.ok('gflow', 'log', String(id)), 'second\n');
    assert.equal(fs.readFileSync(job.attempts[0]!.log!, 'utf8').replace(/\x1b\][^\x07]*\x07/g, ''), 'first\r\n');
    assert.match(await sb.ok('gflow', 'show', String(id)), /Attempts: +\n {2}1\. failed \(exit 3\)/);
    const again = await sb.gflow('requeue', String(id));
    assert.equal(again.code, 1);
    assert.match(again.stderr, new RegExp(`cannot requeue job ${id}: it is finished\\n.*gflow redo ${id}`));
  });

  it('--requeue does it at the end, before dependents could be cancelled', async () => {
    const id = await sb.submit('--requeue', '--', 'bash', '-c', flaky('r2'));
    const after = await sb.submit('-d', String(id), '--', 'true');
    const job = await sb.waitFor(id, (j) => j.state === 'finished');
    assert.deepEqual([job.attempts.length, job.attempt, job.maxRetries], [1, 1, 5]);
    assert.equal((await sb.waitEnded(after)).state, 'finished');
  });
});
