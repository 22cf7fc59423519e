// The daemon's tmux window shows what the machine is doing, redrawn on events.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pollUntil } from '../helpers/wait.js';
import { Sandbox } from '../helpers/sandbox.js';

describe("the daemon window's status line", () => {
  let sb: Sandbox;
  before(async () => {
    ({ sb } = await Sandbox.withGpus([{ index: 0 }, { index: 1 }]));
    await sb.up('--cpus', '1');
  });
  after(async () => {
    await sb.cleanup();
  });

  const statusRight = async (): Promise<string> => (await sb.run('tmux', ['show-options', '-v', '-t', 'gflow_server', 'status-right'])).stdout;

  it('shows running and waiting jobs, who holds each GPU, and that this daemon schedules', async () => {
    const running = await sb.submit('--gpus', '1', '--', 'sleep', '60');
    await sb.submit('--', 'true');
    await sb.waitFor(running, (j) => j.state === 'running');
    await pollUntil(async () => /R 1 · PD 1/.test(await statusRight()), { interval: 50, timeout: 20_000 });
    const text = await statusRight();
    assert.match(text, new RegExp(`GPU0 \\S+#${running} GPU1 free`));
    assert.match(text, /scheduling/);
    assert.match((await sb.run('tmux', ['show-options', '-v', '-t', 'gflow_server', 'status-left'])).stdout, /gflow \d+\.\d+\.\d+/);
    await sb.ok('gflow', 'cancel', String(running));
    await pollUntil(async () => /R 0 · PD 0/.test(await statusRight()), { interval: 50, timeout: 20_000 });
  });
});
