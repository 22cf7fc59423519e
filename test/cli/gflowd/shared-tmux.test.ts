// Two state directories (other XDG dirs, other port) on one tmux server: each gflowd command
// acts only on its own daemon and names the other one when that is all it finds.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isAlive } from '../../../src/executor/proc.js';
import { Sandbox } from '../../helpers/sandbox.js';

describe('gflowd commands with a tmux server shared by two state directories', () => {
  let first: Sandbox;
  let second: Sandbox;
  let pid: number;
  before(async () => {
    first = await Sandbox.create();
    second = await Sandbox.create();
    // The second shell: its own data, config and port, the first one's tmux server.
    second.env.TMUX_TMPDIR = first.env.TMUX_TMPDIR;
    second.env.GFLOW_TMUX_SOCKET = first.socket;
    pid = await first.up();
  });
  after(async () => {
    await second.cleanup();
    await first.cleanup();
  });

  const sessions = async (): Promise<string[]> => (await first.run('tmux', ['list-sessions', '-F', '#{session_name}'])).stdout.split('\n').filter(Boolean);

  for (const args of [['down'], ['status'], ['reload'], ['up'], ['restart']]) {
    it(`gflowd ${args.join(' ')} leaves the other daemon alone and names it`, async () => {
      const r = await second.gflowd(...args);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 2, r.stderr);
      assert.equal(lines[0], `gflowd: tmux session gflow_server runs the gflowd of another state directory (${first.stateDir}, port ${first.port}, pid ${pid}), not the one of ${second.stateDir}`);
      assert.match(lines[1]!, /^ {2}hint: .*XDG_DATA_HOME/);
      assert.ok(isAlive(pid));
      assert.equal(await first.daemonPid(), pid);
      assert.deepEqual(await sessions(), ['gflow_server']);
    });
  }

  it('gflowd status --json says whose daemon it found', async () => {
    const r = await second.gflowd('status', '--json');
    assert.equal(r.code, 1);
    const s = JSON.parse(r.stdout) as { running: boolean; stateDir: string; other: { pid: number; stateDir: string; port: number } };
    assert.equal(s.running, false);
    assert.equal(s.stateDir, second.stateDir);
    assert.deepEqual({ pid: s.other.pid, stateDir: s.other.stateDir, port: s.other.port }, { pid, stateDir: first.stateDir, port: first.port });
  });

  it('the first shell still manages its own daemon', async () => {
    assert.match(await first.ok('gflowd', 'down'), new RegExp(`stopped \\(pid ${pid}\\)`));
    assert.equal(isAlive(pid), false);
  });
});
