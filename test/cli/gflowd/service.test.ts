// `gflowd service install|print|remove [--user]`: the units it writes (checked by systemd's own
// systemd-analyze verify), its refusals, and the unit's commands run by hand in the order systemd
// runs them, against a sandbox daemon, with a job that runs through all of them. No test touches
// the machine's systemd: GFLOW_TEST_NO_SYSTEMD makes install act as where systemd is not running.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Job } from '../../../src/protocol/job.js';
import { isAlive } from '../../../src/executor/proc.js';
import { HOW, installed, requires, requiresUsers } from '../../helpers/requires.js';
import { BIN, Sandbox, testUsers, type RunResult, type TestUser } from '../../helpers/sandbox.js';

const users = testUsers(['gflowsvca']);

/** The words of a unit's Exec line, as systemd splits and unescapes them. */
function words(line: string): string[] {
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!).replace(/%%/g, '%').replace(/\$\$/g, '$'));
}

/** A unit's Exec lines (by key) and its Environment=. */
function parseUnit(text: string): { exec: Record<string, string[]>; env: Record<string, string> } {
  const exec: Record<string, string[]> = {};
  const env: Record<string, string> = {};
  for (const [, key, value] of text.matchAll(/^(Exec\w+|Environment)=(.*)$/gm)) {
    if (key !== 'Environment') {
      exec[key!] = words(value!);
      continue;
    }
    const kv = value!.startsWith('"') ? value!.slice(1, -1).replace(/\\(.)/g, '$1') : value!;
    env[kv.slice(0, kv.indexOf('='))] = kv.slice(kv.indexOf('=') + 1).replace(/%%/g, '%');
  }
  return { exec, env };
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv, cwd = '/'): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(file, args, { env, cwd }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

describe('gflowd service print', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await Sandbox.create({ GFLOW_TEST_BOOT_ID_FILE: '/nonexistent', GFLOW_NOTE: '/srv/lab data/50%' });
  });
  after(async () => {
    await sb.cleanup();
  });

  it('prints a system unit that runs gflowd up, reload and down of this installation, and leaves jobs alone', async () => {
    const text = await sb.ok('gflowd', 'service', 'print');
    const { exec, env } = parseUnit(text);
    assert.deepEqual(exec.ExecStart, [process.execPath, BIN.gflowd, 'up', '--shared']);
    assert.deepEqual(exec.ExecReload, [process.execPath, BIN.gflowd, 'reload', '--shared']);
    assert.deepEqual(exec.ExecStop, [process.execPath, BIN.gflowd, 'down', '--shared']);
    for (const line of ['Type=oneshot', 'RemainAfterExit=yes', 'KillMode=process', 'TasksMax=infinity', 'WantedBy=multi-user.target']) assert.ok(text.includes(`\n${line}\n`), line);
    assert.match(text, /^After=network\.target/m);
    // tmux's and node's directories on PATH; where the daemon lives carried over; the mode is the unit's.
    const tmux = spawnSync('sh', ['-c', 'command -v tmux'], { encoding: 'utf8' }).stdout.trim();
    assert.ok(env.PATH!.split(':').includes(path.dirname(tmux)), env.PATH);
    assert.ok(env.PATH!.split(':').includes(path.dirname(process.execPath)), env.PATH);
    assert.equal(env.XDG_DATA_HOME, sb.env.XDG_DATA_HOME);
    assert.equal(env.GFLOW_TMUX_SOCKET, sb.socket);
    assert.equal(env.GFLOW_NOTE, '/srv/lab data/50%');
    assert.equal(env.GFLOW_MODE, undefined);
    assert.equal(env.GFLOW_TEST_BOOT_ID_FILE, undefined);
  });

  it('prints a user unit for a personal daemon', async () => {
    const text = await sb.ok('gflowd', 'service', 'print', '--user');
    const { exec } = parseUnit(text);
    assert.deepEqual(exec.ExecStart, [process.execPath, BIN.gflowd, 'up', '--personal']);
    assert.deepEqual(exec.ExecStop, [process.execPath, BIN.gflowd, 'down', '--personal']);
    assert.ok(text.includes('\nKillMode=process\n'));
    assert.ok(text.includes('\nWantedBy=default.target\n'));
    assert.doesNotMatch(text, /^After=/m);
  });

  it('writes units that systemd-analyze verify accepts without a warning', requires('systemd-analyze', installed('systemd-analyze'), HOW.systemDeps), async () => {
    for (const scope of ['system', 'user'] as const) {
      const dir = fs.mkdtempSync(path.join(sb.dir, `verify-${scope}-`));
      const unit = path.join(dir, 'gflow.service');
      fs.writeFileSync(unit, await sb.ok('gflowd', 'service', 'print', ...(scope === 'user' ? ['--user'] : [])));
      // A user manager's verify needs a runtime directory of its own.
      const runtime = fs.mkdtempSync(path.join(sb.dir, 'runtime-'));
      const r = await run('systemd-analyze', [...(scope === 'user' ? ['--user'] : []), 'verify', unit], { PATH: process.env.PATH, XDG_RUNTIME_DIR: runtime }, dir);
      assert.equal(r.code, 0, `${scope}: ${r.stderr}`);
      assert.equal(r.stderr.trim(), '', `${scope}: ${r.stderr}`);
    }
  });
});

describe('gflowd service install and remove', requiresUsers(users), () => {
  let sb: Sandbox;
  let u: TestUser;
  let userConfig: string;
  before(async () => {
    [u] = users as [TestUser];
    sb = await Sandbox.shared(users!);
    userConfig = path.join(sb.dir, 'user-config');
    fs.mkdirSync(userConfig);
    fs.chownSync(userConfig, u.uid, u.gid);
  });
  after(async () => {
    await sb.cleanup();
  });
  const asUser = (args: string[], env: NodeJS.ProcessEnv = {}) => sb.as(u, ['service', ...args], { program: BIN.gflowd, env: { XDG_CONFIG_HOME: userConfig, ...env } });
  const systemUnit = '/etc/systemd/system/gflow.service';

  it('install says in one line that systemd is not running, exits 1 and writes nothing', async () => {
    const had = fs.existsSync(systemUnit);
    const root = await sb.run('gflowd', ['service', 'install'], { env: { GFLOW_TEST_NO_SYSTEMD: '1' } });
    assert.equal(root.code, 1, root.stderr);
    assert.match(root.stderr, /^gflowd: systemd is not running on this machine .*: no service installed; `sudo gflowd up` starts the daemon as before\n$/);
    assert.equal(fs.existsSync(systemUnit), had);
    const user = await asUser(['install', '--user'], { GFLOW_TEST_NO_SYSTEMD: '1' });
    assert.equal(user.code, 1, user.stderr);
    assert.match(user.stderr, /^gflowd: systemd is not running .*`gflowd up` starts the daemon as before\n$/);
    assert.deepEqual(fs.readdirSync(userConfig), []);
  });

  it('remove says when nothing is installed, and otherwise removes the unit and says what stays where', async () => {
    const none = await asUser(['remove', '--user']);
    assert.equal(none.code, 0, none.stderr);
    assert.match(none.stdout, /^No gflow service is installed \(.*user-config\/systemd\/user\/gflow\.service does not exist\): nothing to remove\.\n$/);
    // A unit written by install (where systemd runs), removed where it does not.
    const unit = path.join(userConfig, 'systemd', 'user', 'gflow.service');
    fs.mkdirSync(path.dirname(unit), { recursive: true });
    fs.writeFileSync(unit, (await asUser(['print', '--user'])).stdout);
    for (const f of [path.join(userConfig, 'systemd'), path.dirname(unit), unit]) fs.chownSync(f, u.uid, u.gid);
    const r = await asUser(['remove', '--user'], { GFLOW_TEST_NO_SYSTEMD: '1' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.existsSync(unit), false);
    const data = path.join(u.home, '.local', 'share', 'gflow');
    assert.match(r.stdout, new RegExp(`Kept: the database ${data}/gflow\\.db, the daemon's log ${data}/gflowd\\.log, jobs' logs in ${data}/logs, the configuration in ${userConfig}/gflow\\.`));
  });

  it('refuses bad flags and the wrong account in one line, and changes nothing', async () => {
    const had = fs.existsSync(systemUnit);
    const bad = await sb.gflowd('service', 'install', '--bogus');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown option '--bogus'/);
    const notRoot = await asUser(['remove']);
    assert.equal(notRoot.code, 1);
    assert.match(notRoot.stderr, /only root can remove it\n {2}hint: sudo gflowd service remove, or `gflowd service remove --user`/);
    const rootUser = await sb.gflowd('service', 'remove', '--user');
    assert.equal(rootUser.code, 2);
    assert.match(rootUser.stderr, /root's daemon is the machine's shared daemon/);
    assert.equal(fs.existsSync(systemUnit), had);
  });
});

describe("the unit's commands, run by hand in the order systemd runs them", requiresUsers(users), () => {
  for (const scope of ['system', 'user'] as const) {
    it(`${scope} unit: start, reload, stop, start again; a job runs through all of them`, async () => {
      const sb = scope === 'system' ? await Sandbox.shared(users!) : await Sandbox.create();
      try {
        const { exec, env } = parseUnit(await sb.ok('gflowd', 'service', 'print', ...(scope === 'user' ? ['--user'] : [])));
        // systemd gives a unit's commands its Environment= and little else (a user manager: HOME too).
        const unitEnv = { ...env, ...(scope === 'user' && { HOME: process.env.HOME }) };
        const verb = async (key: 'ExecStart' | 'ExecReload' | 'ExecStop'): Promise<string> => {
          const [file, ...args] = exec[key]!;
          const r = await run(file!, args, unitEnv);
          assert.equal(r.code, 0, `${key}: ${r.stdout}${r.stderr}`);
          return r.stdout;
        };
        await verb('ExecStart');
        const first = await sb.daemonPid();
        const submit = scope === 'system' ? await sb.as(users![0]!, ['submit', '--json', '--', 'sleep', '600']) : await sb.gflow('submit', '--json', '--', 'sleep', '600');
        assert.equal(submit.code, 0, submit.stderr);
        const id = (JSON.parse(submit.stdout) as Job).id;
        const job = await sb.waitFor(id, (j) => j.state === 'running' && j.pid !== null);

        await verb('ExecReload');
        const second = await sb.daemonPid();
        assert.notEqual(second, first);
        assert.ok(isAlive(job.pid!));
        assert.equal((await sb.job(id)).state, 'running');

        await verb('ExecStop');
        assert.notEqual((await sb.gflowd('status')).code, 0);
        assert.ok(isAlive(job.pid!), 'the job survives the stop');

        assert.match(await verb('ExecStart'), /gflowd is running/);
        const adopted = await sb.job(id);
        assert.equal(adopted.state, 'running');
        assert.equal(adopted.pid, job.pid);
        await sb.ok('gflow', 'cancel', String(id));
        await sb.waitEnded(id);
      } finally {
        await sb.cleanup();
      }
    });
  }
});
