// The tmux socket directories of a shared daemon's users. The attack: gflowtb creates
// gflowta's /tmp/tmux-<uid> (and the one in gflowta's own TMUX_TMPDIR) (and root's TMUX_TMPDIR has one for gflowta too) before gflowta's
// first job, and leftovers in the state directory point elsewhere; root's environment has its
// own TMUX_TMPDIR. gflowta's jobs still run in gflowta's own server, whose socket directory the
// daemon made, and `gflow attach` and `gflow log` work for gflowta.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pty from 'node-pty';
import type { Job } from '../../src/protocol/job.js';
import { BIN, Sandbox, testUsers, type TestUser } from '../helpers/sandbox.js';
import { pollUntil } from '../helpers/wait.js';
import { requiresUsers } from '../helpers/requires.js';

const users = testUsers(['gflowta', 'gflowtb']);

describe('shared daemon: tmux socket directories', requiresUsers(users), () => {
  let sb: Sandbox;
  let a: TestUser;
  let b: TestUser;
  let planted: string[];
  before(async () => {
    [a, b] = users as [TestUser, TestUser];
    sb = await Sandbox.shared(users!);
    // Root's own TMUX_TMPDIR (its gflow_server lives there).
    assert.ok(sb.env.TMUX_TMPDIR);
    const inTmp = `/tmp/tmux-${a.uid}`;
    const inRootsDir = path.join(sb.env.TMUX_TMPDIR, `tmux-${a.uid}`);
    planted = [inTmp, inRootsDir];
    // gflowtb takes gflowta's tmux directories first: /tmp (anyone can), and the one under
    // root's TMUX_TMPDIR, made for it here as if root's directory had been open.
    fs.rmSync(inTmp, { recursive: true, force: true });
    // …and in gflowta's own TMUX_TMPDIR (the sandbox's stand-in for /tmp), which gflowta's shell has.
    for (const dir of [inTmp, path.join(sb.userTmpdir, `tmux-${a.uid}`)]) {
      const mk = await sb.as(b, ['-m', '700', dir], { program: '/bin/mkdir' });
      assert.equal(mk.code, 0, mk.stderr);
    }
    fs.mkdirSync(inRootsDir, { mode: 0o700 });
    fs.chownSync(inRootsDir, b.uid, b.gid);
    // Leftovers in the state directory: an open directory of gflowtb's, and a link to gflowtb's.
    const base = sb.userTmuxDir;
    fs.mkdirSync(base, { recursive: true, mode: 0o777 });
    fs.chmodSync(base, 0o777);
    fs.chownSync(base, b.uid, b.gid);
    fs.symlinkSync(inTmp, path.join(base, `tmux-${a.uid}`));
    await sb.up('--cpus', '2');
  });
  after(async () => {
    await sb?.cleanup();
    for (const p of planted ?? []) fs.rmSync(p, { recursive: true, force: true });
  });

  it("runs gflowta's job in gflowta's own server, in the directory the daemon made; attach and log work", async () => {
    const gate = path.join(a.home, 'gate-tmux');
    fs.rmSync(gate, { force: true });
    const r = await sb.as(a, ['submit', '--json', '--', 'bash', '-c', `echo "tmux=$TMUX"; echo hello-from-a; while [ ! -e ${gate} ]; do sleep 0.05; done`]);
    assert.equal(r.code, 0, r.stderr);
    const { id } = JSON.parse(r.stdout) as Job;
    const running = await sb.waitFor(id, (j) => j.state !== 'queued');
    assert.equal(running.state, 'running', JSON.stringify(running));

    // The daemon put its directories right: root's base, gflowta's socket directory.
    const base = fs.lstatSync(sb.userTmuxDir);
    assert.deepEqual([base.isDirectory(), base.uid, base.mode & 0o7777], [true, 0, 0o755]);
    const mine = fs.lstatSync(path.join(sb.userTmuxDir, `tmux-${a.uid}`));
    assert.deepEqual([mine.isDirectory(), mine.uid, mine.mode & 0o7777], [true, a.uid, 0o700]);
    // What gflowtb made stays gflowtb's (root changed nothing through the link).
    assert.equal(fs.lstatSync(`/tmp/tmux-${a.uid}`).uid, b.uid);
    // gflowtb can put nothing there, nor reach gflowta's server.
    const plant = await sb.as(b, [path.join(sb.userTmuxDir, 'mine')], { program: '/bin/mkdir' });
    assert.notEqual(plant.code, 0);
    assert.match(plant.stderr, /Permission denied/);
    const socket = path.join(sb.userTmuxDir, `tmux-${a.uid}`, sb.socket);
    const peek = await sb.as(b, ['-S', socket, 'list-sessions'], { program: 'tmux' });
    assert.notEqual(peek.code, 0);

    // gflowta attaches through a real terminal and detaches.
    const term = pty.spawn(process.execPath, [BIN.gflow, 'attach', String(id)], { cols: 120, rows: 30, cwd: a.home, env: { ...(sb.userEnv(a) as Record<string, string>), TERM: 'xterm-256color' }, uid: a.uid, gid: a.gid });
    let screen = '';
    term.onData((d) => (screen += d));
    const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
    try {
      await pollUntil(() => screen.includes('hello-from-a'), { timeout: 10_000 });
    } finally {
      term.write('\x02d');
    }
    assert.equal(await exited, 0, screen);

    fs.writeFileSync(gate, '');
    assert.equal((await sb.waitEnded(id)).state, 'finished');
    const log = await sb.as(a, ['log', String(id)]);
    assert.equal(log.code, 0, log.stderr);
    assert.match(log.stdout, /hello-from-a/);
    // Not root's TMUX_TMPDIR, not /tmp: the server's socket is in the daemon's directory.
    assert.match(log.stdout, new RegExp(`^tmux=${sb.userTmuxDir}/tmux-${a.uid}/${sb.socket},`, 'm'));
    fs.rmSync(gate, { force: true });
  });
});
