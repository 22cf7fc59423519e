// A reload whose new daemon dies right after the hand-over never reports success, and leaves a
// daemon running.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { pollUntil } from '../../helpers/wait.js';
import { isGflowd } from '../../../src/cli/gflowd/find-daemon.js';
import { BIN, Sandbox } from '../../helpers/sandbox.js';

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

  /** Runs `gflowd reload`, and kill -9s the new daemon (and the old one, with `both`) as soon as its output shows `step`. */
  const reloadKilling = async (step: string, both: boolean): Promise<{ code: number | null; stdout: string; stderr: string; oldPid: number }> => {
    const oldPid = await sb.daemonPid();
    const reload = sb.track(spawn(process.execPath, [BIN.gflowd, 'reload'], { env: sb.env, cwd: sb.dir }));
    let stdout = '';
    let stderr = '';
    let killed = false;
    reload.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    reload.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      const newPid = Number(/new daemon: pid (\d+)/.exec(stdout)?.[1]);
      if (killed || !newPid || !stdout.includes(step)) return;
      killed = true;
      for (const pid of both ? [newPid, oldPid] : [newPid]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
    });
    const code = await new Promise<number | null>((r) => reload.once('exit', r));
    assert.ok(killed, stdout + stderr);
    return { code, stdout, stderr, oldPid };
  };

  it('fails, and the old daemon keeps serving, when the new one is killed as soon as it is found', async () => {
    const r = await reloadKilling('[3/6]', false);
    assert.notEqual(r.code, 0, r.stdout);
    assert.doesNotMatch(r.stdout, /Reloaded in/);
    assert.match(r.stderr, new RegExp(`the new daemon (\\d+ )?exited before (it answered|the hand-over); the old daemon ${r.oldPid} keeps running`));
    assert.equal(await sb.daemonPid(), r.oldPid);
  });

  // [5/6]: the old daemon has handed over; [6/6]: the new session was renamed (its tmux server's
  // only other session, the old one, is gone: a fresh start once met that server on its way out).
  for (const step of ['[5/6]', '[6/6]']) it(`fails, says so and leaves a daemon running, when both are killed at ${step}, right after the hand-over`, async () => {
    const r = await reloadKilling(step, true);
    assert.notEqual(r.code, 0, r.stdout);
    assert.doesNotMatch(r.stdout, /Reloaded in/);
    assert.match(r.stderr, /the reload did not end well: the new daemon \d+ exited after the hand-over; started a fresh daemon \(pid (\d+)\)/);
    const fresh = Number(/started a fresh daemon \(pid (\d+)\)/.exec(r.stderr)![1]);
    assert.equal(await sb.daemonPid(), fresh);
    const id = await sb.submit('--', 'true');
    assert.equal((await sb.waitEnded(id)).state, 'finished');
    // And a reload left alone still succeeds.
    const { newPid } = JSON.parse(await sb.ok('gflowd', 'reload', '--json')) as { newPid: number };
    assert.equal(await sb.daemonPid(), newPid);
  });

  it('a replacement whose reload is killed before the hand-over stops by itself', async () => {
    const oldPid = await sb.daemonPid();
    const reload = sb.track(spawn(process.execPath, [BIN.gflowd, 'reload'], { env: sb.env, cwd: sb.dir }));
    // Killed as soon as it has started the replacement (step 2 of 6), before the hand-over.
    await new Promise<void>((resolve) => {
      let out = '';
      reload.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        if (/\[2\/6\]/.test(out)) {
          reload.kill('SIGKILL');
          resolve();
        }
      });
    });
    const daemons = (): number[] => sb.processes().filter(isGflowd);
    await pollUntil(() => daemons().length === 1, { interval: 50, timeout: 20_000 }).catch((err: Error) => {
      const log = fs.readFileSync(path.join(sb.stateDir, 'gflowd.log'), 'utf8').split('\n').slice(-15).join('\n');
      throw new Error(`${err.message}: daemons ${daemons().join(', ')} (old ${oldPid}); log:\n${log}`);
    });
    assert.deepEqual(daemons(), [oldPid]);
    assert.equal(await sb.daemonPid(), oldPid);
    assert.match(fs.readFileSync(path.join(sb.stateDir, 'gflowd.log'), 'utf8'), /the gflowd reload that started this daemon is gone before the hand-over/);
    // The next reload works.
    const { newPid } = JSON.parse(await sb.ok('gflowd', 'reload', '--json')) as { newPid: number };
    assert.equal(await sb.daemonPid(), newPid);
  });
});
