// The README's first command run by a lab member without root, on a fresh clone: it installs into
// their own ~/.local, their login shell finds gflow there, and a first job runs on their own
// daemon, or on the machine's shared one when that runs. Where a system tool is missing and the
// account cannot install it, setup stops before building, naming what to ask the admin for.
// The account's daemon runs in the sandbox's tmux server and on a port of its own.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { requiresUsers } from '../helpers/requires.js';
import { BIN, freePort, Sandbox, testUsers, type TestUser } from '../helpers/sandbox.js';
import { cloneHead, freshHome, npmEnvFor, pathWithoutBuildTools, userGpuLockDir } from './fixtures.js';

const users = testUsers(['gflowinst']);

describe('scripts/setup.sh as a user without root', requiresUsers(users), () => {
  let sb: Sandbox;
  let u: TestUser;
  let clone: string;
  let env: NodeJS.ProcessEnv;
  const bin = (name: string): string => path.join(u.home, '.local', 'bin', name);
  // A login shell of the account, as `su - user` gives it: its own startup files make PATH.
  const login = (command: string): string => execFileSync('su', ['-', u.name, '-c', command], { encoding: 'utf8' });
  before(async () => {
    assert.ok(users, 'needs root and useradd to create a local user');
    u = users[0]!;
    freshHome(u);
    sb = await Sandbox.shared([u]);
    clone = cloneHead(path.join(sb.dir, 'clone'), u);
    env = { GFLOW_PORT: String(await freePort()), GFLOW_GPU_LOCK_DIR: userGpuLockDir(path.join(sb.dir, 'user-gpu-locks')), ...npmEnvFor(u, path.join(sb.dir, 'npm-cache')) };
  });
  after(async () => {
    if (u && fs.existsSync(bin('gflowd'))) await sb.as(u, ['down'], { program: bin('gflowd'), env });
    await sb?.cleanup();
    if (u) freshHome(u);
  });

  it('stops before building when a tool is missing that the account cannot install, with the one line to ask the admin', async () => {
    const r = await sb.as(u, ['scripts/setup.sh'], { program: 'bash', cwd: clone, env: { ...env, PATH: pathWithoutBuildTools(path.join(sb.dir, 'bare-bin')) } });
    assert.notEqual(r.code, 0);
    assert.equal(r.stderr, 'gflow needs tmux make g++ python3, which this account cannot install (no root, no passwordless sudo): ask your administrator to run: sudo apt-get install -y --no-install-recommends tmux make g++ python3\n');
    assert.equal(fs.existsSync(path.join(clone, 'node_modules')), false, 'nothing was installed');
  });

  it("installs into ~/.local, which the login shell puts on PATH, starts the account's own daemon and runs a first job", async () => {
    const r = await sb.as(u, ['scripts/setup.sh'], { program: 'bash', cwd: clone, env });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    // The shell that ran setup started before ~/.local/bin existed: it is told how to reach gflow now.
    assert.match(r.stdout, /gflow and gflowd are in \$HOME\/\.local\/bin, which new login shells put on PATH; in this shell first run: export PATH="\$HOME\/\.local\/bin:\$PATH"/);
    assert.match(r.stdout, /Your personal gflowd is running/);
    assert.match(r.stdout, /hello from gflow job 1 on /);
    assert.equal(fs.realpathSync(path.join(u.home, '.local', 'lib', 'node_modules', 'gflow')), fs.realpathSync(clone));
    assert.equal(login('command -v gflow gflowd'), `${bin('gflow')}\n${bin('gflowd')}\n`);
    // The installed commands, from a login shell, reach the daemon setup started.
    const userEnv = { ...sb.userEnv(u), ...env };
    const isolation = ['GFLOW_PORT', 'GFLOW_TMUX_SOCKET', 'TMUX_TMPDIR', 'GFLOW_SHARED_DIR'].map((k) => `${k}=${userEnv[k]}`).join(' ');
    const out = login(`export ${isolation}; id=$(gflow submit --name again -- echo from a login shell | awk '{print $3}') && gflow log "$id" --follow && gflowd status`);
    assert.match(out, /^from a login shell\ngflowd is running: pid \d+, port \d+/);
  });

  it("uses the machine's shared daemon when one runs, and starts none of its own", async () => {
    const down = await sb.as(u, ['down'], { program: bin('gflowd'), env });
    assert.equal(down.code, 0, down.stderr);
    await sb.up();
    const r = await sb.as(u, ['scripts/first-run.sh'], { program: 'bash', cwd: clone, env: { ...env, PATH: `${path.dirname(bin('gflow'))}:${sb.userEnv(u).PATH}` } });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^This machine's shared gflowd \(run by root\) is running: gflow uses it, your jobs run as you\. No daemon of your own was started\.\nhello from gflow job \d+ on /);
    assert.match(r.stdout, /the machine's shared gflowd is running: pid \d+/);
    const mine = await sb.as(u, ['status', '--json', '--personal'], { program: bin('gflowd'), env });
    assert.match(mine.stdout, /"running":false/);
  });

  it('as root, sets up the machine\'s shared daemon and says so', async () => {
    const first = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile('bash', [path.join(clone, 'scripts', 'first-run.sh')], { env: { ...sb.env, PATH: `${path.dirname(BIN.gflow)}:${sb.env.PATH}` }, cwd: sb.dir }, (err, stdout, stderr) =>
        resolve({ code: err ? 1 : 0, stdout, stderr }),
      );
    });
    assert.equal(first.code, 0, `${first.stdout}\n${first.stderr}`);
    assert.match(first.stdout, /(^|\n)Set up the machine's shared gflowd: every user's gflow uses it, and each job runs as the user who submitted it\.\nhello from gflow job \d+ on /);
  });

  it("names the one line to add where the login shell does not put ~/.local/bin on PATH", async () => {
    // Without ~/.profile, bash's login shell takes PATH from /etc/profile alone.
    const profile = path.join(u.home, '.profile');
    fs.renameSync(profile, `${profile}.away`);
    try {
      const r = await sb.as(u, [path.join(clone, 'scripts', 'path-hint.sh'), path.dirname(bin('gflow'))], { program: 'bash' });
      assert.equal(r.stdout, `$HOME/.local/bin is not on your login shell's PATH; add it (then open a new login shell) with: echo 'export PATH="$HOME/.local/bin:$PATH"' >> ~/.profile\n`);
    } finally {
      fs.renameSync(`${profile}.away`, profile);
    }
  });
});
