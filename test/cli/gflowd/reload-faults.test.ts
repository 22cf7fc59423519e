// A reload whose new daemon dies right after the hand-over never reports success, and leaves a
// daemon running.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Sandbox } from '../../helpers/sandbox.js';

describe('gflowd reload under faults', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await Sandbox.create();
    await sb.up();
  });
  after(async () => {
    await sb.cleanup();
  });

  it('says so, and starts a fresh daemon, when the new one dies as it takes over', async () => {
    const running = await sb.submit('--', 'sleep', '300');
    await sb.waitFor(running, (j) => j.state === 'running');
    const die = path.join(sb.dir, 'die-after-lead');
    fs.writeFileSync(die, '');
    const r = await sb.run('gflowd', ['reload'], { env: { GFLOW_TEST_DIE_AFTER_LEAD: die } });
    assert.notEqual(r.code, 0, r.stdout);
    assert.doesNotMatch(r.stdout, /Reloaded in/);
    assert.match(r.stderr, /the reload did not end well: the new daemon \d+ exited after the hand-over; started a fresh daemon \(pid \d+\)/);
    // A daemon runs, and it has the running job.
    const status = JSON.parse(await sb.ok('gflowd', 'status', '--json')) as { running: boolean; pid: number };
    assert.equal(status.running, true);
    assert.equal((await sb.job(running)).state, 'running');
    await sb.ok('gflow', 'cancel', String(running));
    assert.equal((await sb.waitEnded(running)).state, 'cancelled');
  });
});
