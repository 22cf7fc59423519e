// A user of the shared daemon puts terminal escape sequences into a job's command and name:
// root's terminal (the daemon's tmux pane) and the daemon's log file show them as visible
// escapes; the pane keeps its title and its lines.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Job } from '../../src/protocol/job.js';
import { Sandbox, testUsers, type TestUser } from '../helpers/sandbox.js';
import { pollUntil } from '../helpers/wait.js';
import { requiresUsers } from '../helpers/requires.js';

const users = testUsers(['gflowe1']);

describe("shared daemon: a user's escape sequences on root's terminal", requiresUsers(users), () => {
  let sb: Sandbox;
  let user: TestUser;
  before(async () => {
    [user] = users as [TestUser];
    sb = await Sandbox.shared(users!);
    await sb.up();
  });
  after(async () => {
    await sb?.cleanup();
  });

  it('shows ESC ] 0 ; title BEL, \\r, ESC [ 2 J and a C1 CSI escaped in the log file and the pane', async () => {
    const pane = async (format: string): Promise<string> => (await sb.run('tmux', ['display-message', '-p', '-t', '=gflow_server:', format])).stdout.trim();
    const titleBefore = await pane('#{pane_title}');
    const r = await sb.as(user, ['submit', '--json', '--hold', '--name', 'n2Jx', '--', 'echo', '\x1b]0;pwned-title\x07', 'fake\rline', '\x1b[2J', 'del\x7f', 'csi\u009b1m']);
    assert.equal(r.code, 0, r.stderr);
    // A name is refused any control character, C1 included.
    const named = await sb.as(user, ['submit', '--hold', '--name', 'n\u009b2Jx', '--', 'true']);
    assert.equal(named.code, 2, named.stderr);
    assert.match(named.stderr, /without control characters/);
    const id = (JSON.parse(r.stdout) as Job).id;
    const escaped = String.raw`(n2Jx): echo \x1b]0;pwned-title\x07 fake\x0dline \x1b[2J del\x7f csi\x9b1m`;

    const file = path.join(sb.env.GFLOW_SHARED_DIR!, 'gflowd.log');
    const line = fs.readFileSync(file, 'utf8').split('\n').find((l) => l.includes(`job ${id} submitted`));
    assert.ok(line, 'the submission is logged');
    assert.ok(line.endsWith(escaped), line);
    assert.doesNotMatch(fs.readFileSync(file, 'latin1'), /[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]/, 'a raw control character in the log file');

    let screen = '';
    await pollUntil(async () => (screen = (await sb.run('tmux', ['capture-pane', '-p', '-J', '-S', '-1000', '-t', '=gflow_server:'])).stdout).includes(`job ${id} submitted`), { interval: 50, timeout: { milliseconds: 10_000, message: () => `not on the pane:\n${screen}` } });
    assert.ok(screen.includes(escaped), screen);
    // The banner is still there (nothing cleared the screen) and the title is the daemon's.
    assert.match(screen, /gflowd .* shared · pid \d+/);
    assert.equal(await pane('#{pane_title}'), titleBefore);
    assert.notEqual(titleBefore, 'pwned-title');
  });
});
