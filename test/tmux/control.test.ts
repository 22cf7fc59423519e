import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { TmuxControl } from '../../src/tmux/control.js';

describe('tmux control-mode client', () => {
  const socket = `gft-ctl-${crypto.randomBytes(4).toString('hex')}`;
  const env = { ...process.env };
  delete env.TMUX;
  let ctl: TmuxControl;
  before(() => {
    execFileSync('tmux', ['-L', socket, 'new-session', '-d', '-s', 'home', 'sleep', '600'], { env });
    ctl = TmuxControl.start(['-L', socket], '=home:', env);
  });
  after(() => {
    ctl.close();
    execFileSync('tmux', ['-L', socket, 'kill-server'], { env });
  });

  it('runs command lists and returns each output in order', async () => {
    const name = "it's a; b";
    const created = await ctl.run(['new-session', '-d', '-s', 'x1', '-P', '-F', '#{pane_pid}', '--', 'sleep', '60', ';', 'set-option', '-p', '-t', '=x1:', 'remain-on-exit', 'on'])!;
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /^\d+\n$/);
    const renamed = await ctl.run(['rename-session', '-t', '=x1', name])!;
    assert.equal(renamed.code, 0, renamed.stderr);
    const list = await ctl.run(['list-sessions', '-F', '#{session_name}'])!;
    assert.deepEqual(list.stdout.split('\n').filter(Boolean).sort(), ['home', name].sort());
  });

  it('reports errors without losing its place', async () => {
    const [bad, good] = await Promise.all([ctl.run(['has-session', '-t', '=nope'])!, ctl.run(['display-message', '-p', 'ok'])!]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /can't find session/);
    assert.equal(good.stdout, 'ok\n');
    assert.equal(ctl.run(['display-message', '-p', 'a\nb']), undefined, 'a newline cannot travel this way');
  });
});
