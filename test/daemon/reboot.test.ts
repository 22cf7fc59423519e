// A reboot of the machine, simulated: every process of the sandbox dies by SIGKILL (the daemon,
// the tmux server, the job), and the kernel's boot id changes (GFLOW_TEST_BOOT_ID_FILE). The
// next daemon records the job that was running as ended by the reboot, and starts the queued one.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REBOOT_REASON } from '../../src/core/end-state.js';
import { isAlive } from '../../src/executor/proc.js';
import { Sandbox } from '../helpers/sandbox.js';
import { pollUntil } from '../helpers/wait.js';

describe('a reboot of the machine', () => {
  let sb: Sandbox;
  let bootFile: string;
  before(async () => {
    sb = await Sandbox.create();
    bootFile = path.join(sb.dir, 'boot_id');
    fs.writeFileSync(bootFile, '11111111-1111-4111-8111-111111111111\n');
    sb.env.GFLOW_TEST_BOOT_ID_FILE = bootFile;
  });
  after(async () => {
    await sb.cleanup();
  });

  it('ends the jobs that were running, with the reboot as the reason, and starts the queued ones', async () => {
    // One CPU slot: the second job waits in the queue while the first runs.
    await sb.up('--cpus', '1');
    const running = await sb.submit('--', 'sleep', '600');
    const queued = await sb.submit('--', 'true');
    const before = await sb.waitFor(running, (j) => j.state === 'running' && j.pid !== null);
    assert.equal((await sb.job(queued)).state, 'queued');

    // What a reboot does: nothing of the sandbox survives, and the boot id is new.
    await pollUntil(
      () => {
        for (const pid of sb.processes()) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone
          }
        }
        return sb.processes().length === 0;
      },
      { timeout: 10_000 },
    );
    assert.equal(isAlive(before.pid!), false);
    fs.writeFileSync(bootFile, '22222222-2222-4222-8222-222222222222\n');

    await sb.up('--cpus', '1');
    const ended = await sb.waitEnded(running);
    assert.equal(ended.state, 'failed');
    assert.equal(ended.reason, REBOOT_REASON);
    assert.match(await sb.ok('gflow', 'show', String(running)), /ended by a reboot of the machine/);
    const next = await sb.waitEnded(queued);
    assert.equal(next.state, 'finished');
  });
});
