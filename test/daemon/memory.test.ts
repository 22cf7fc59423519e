// --mem enforced with a memory cgroup where the machine allows it: a hog is killed and ends
// `failed (out of memory)`; a job beside it is untouched.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryCgroups } from '../../src/executor/cgroup.js';
import { Sandbox, useSandbox } from '../helpers/sandbox.js';
import { HOW, requires } from '../helpers/requires.js';

const cgroups = memoryCgroups('/probe');

describe('memory limits', requires('writable memory cgroups', cgroups.enforced, HOW.cgroups), () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s), ['--cpus', '4']);

  it('kills a job over its --mem and says so; the job beside it finishes', async () => {
    const hog = await sb.submit('--mem', '100M', '--', 'python3', '-c', 'a = bytearray(600 * 2**20); print("survived")');
    const fine = await sb.submit('--mem', '100M', '--', 'python3', '-c', 'a = bytearray(20 * 2**20); print("fine")');
    const h = await sb.waitEnded(hog);
    assert.deepEqual([h.state, h.reason, h.signal], ['failed', 'out of memory', 'SIGKILL']);
    assert.doesNotMatch(await sb.ok('gflow', 'log', String(hog)), /survived/);
    const f = await sb.waitEnded(fine);
    assert.equal(f.state, 'finished');
    assert.equal(await sb.ok('gflow', 'log', String(fine)), 'fine\n');
  });
});
