// The release package: `npm pack` makes a tarball holding what the installed package needs and
// nothing of the tests; a user without root installs it into a prefix of their own (`npm
// install -g --prefix`), which compiles gflow's addon, and runs the daemon and a job from there;
// where the build tools are missing, the install stops in one line before compiling anything.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { requiresUsers } from '../helpers/requires.js';
import { freePort, ROOT, Sandbox, testUsers, type RunResult, type TestUser } from '../helpers/sandbox.js';
import { pollUntil } from '../helpers/wait.js';
import { freshHome, npmEnvFor, pathWithoutBuildTools, userGpuLockDir } from './fixtures.js';

const users = testUsers(['gflowpkg']);
// The packages whose install scripts run (npm 11 asks for them by name in global installs).
const ALLOW_SCRIPTS = '--allow-scripts=gflow,better-sqlite3';

describe('the release package', requiresUsers(users), () => {
  let sb: Sandbox;
  let u: TestUser;
  let tarball: string;
  let env: NodeJS.ProcessEnv;
  const prefix = (): string => path.join(sb.dir, 'prefix');
  const installed = (name: string): string => path.join(prefix(), 'bin', name);
  const asUser = (program: string, args: string[], extra: NodeJS.ProcessEnv = {}): Promise<RunResult> => sb.as(u, args, { program, env: { ...env, ...extra } });
  // The user's shell: Node's headers from the machine where it has them (scripts/npm-env.sh).
  const npmInstall = (extra: NodeJS.ProcessEnv = {}): Promise<RunResult> =>
    asUser('bash', ['-c', `. ${path.join(ROOT, 'scripts', 'npm-env.sh')} && npm install -g --prefix "$1" ${ALLOW_SCRIPTS} --no-audit --no-fund "$2"`, 'install', prefix(), tarball], extra);

  before(async () => {
    assert.ok(users, 'needs root and useradd to create a local user');
    u = users[0]!;
    freshHome(u);
    sb = await Sandbox.shared([u]);
    fs.mkdirSync(prefix());
    fs.chownSync(prefix(), u.uid, u.gid);
    env = { GFLOW_PORT: String(await freePort()), GFLOW_GPU_LOCK_DIR: userGpuLockDir(path.join(sb.dir, 'user-gpu-locks')), ...npmEnvFor(u, path.join(sb.dir, 'npm-cache')) };
  });
  after(async () => {
    if (u && fs.existsSync(installed('gflowd'))) await asUser(installed('gflowd'), ['down']);
    await sb?.cleanup();
    if (u) freshHome(u);
  });

  it('npm pack packs what the installed package runs, nothing of the tests', () => {
    // Of this tree, as built for the tests: pack's prepare script would build it once more
    // (`npm run build`), minutes on a small machine, and rewrite dist/ under running tests.
    const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', sb.dir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const [pack] = JSON.parse(out) as [{ filename: string; files: { path: string }[] }];
    tarball = path.join(sb.dir, pack.filename);
    const files = pack.files.map((f) => f.path);
    // bin/ starts the bundles, falling back to dist/src/cli; workers are loaded by path; the
    // addon is compiled on install from native/ and binding.gyp, after build-tools.sh checked.
    for (const f of ['package.json', 'bin/gflow', 'bin/gflowd', 'bin/package.json', 'dist/src/gflow-cli.cjs', 'dist/src/gflowd-bundle.mjs', 'dist/src/cli/gflow.js', 'dist/src/cli/gflowd.js', 'dist/src/store/checkpoint-worker.js', 'dist/src/notify/webhook-worker.js', 'dist/ui/index.html', 'native/reuseport.c', 'binding.gyp', 'scripts/build-tools.sh']) {
      assert.ok(files.includes(f), `${f} is in the package`);
    }
    assert.deepEqual(files.filter((f) => /^(test|dist\/test|src|build|node_modules|bench|docs)\//.test(f)), []);
  });

  it('stops in one line naming what to install when make, the compilers or python3 are missing', async () => {
    const r = await npmInstall({ PATH: pathWithoutBuildTools(path.join(sb.dir, 'bare-bin')) });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /^npm error gflow: cannot compile its native addons: make g\+\+ python3 missing\. Install them, or ask your administrator to run: sudo apt-get install -y --no-install-recommends make g\+\+ python3$/m);
    assert.equal(fs.existsSync(installed('gflow')), false);
  });

  it("installs into a user's prefix with npm install -g --prefix, and runs the daemon and a job from there", async () => {
    const r = await npmInstall();
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    assert.equal((await asUser(installed('gflow'), ['--version'])).stdout, `${version}\n`);
    const up = await asUser(installed('gflowd'), ['up']);
    assert.equal(up.code, 0, up.stderr);
    const status = JSON.parse((await asUser(installed('gflowd'), ['status', '--json'])).stdout) as { running: boolean; pid: number };
    assert.ok(status.running);
    // The daemon runs the installed copy, with the addons compiled on install, not this tree's.
    const maps = fs.readFileSync(`/proc/${status.pid}/maps`, 'utf8');
    for (const addon of ['build/Release/reuseport.node', 'node_modules/better-sqlite3/build/Release/better_sqlite3.node']) {
      assert.ok(maps.includes(`${prefix()}/lib/node_modules/gflow/${addon}`), `the daemon loaded the installed ${addon}`);
    }
    const submitted = await asUser(installed('gflow'), ['submit', '--', 'echo', 'from the package']);
    const id = /Submitted job (\d+)/.exec(submitted.stdout)?.[1];
    assert.ok(id, submitted.stderr);
    const state = async (): Promise<string> => (JSON.parse((await asUser(installed('gflow'), ['show', id, '--json'])).stdout) as { state: string }).state;
    await pollUntil(async () => (await state()) === 'finished', { interval: 100, timeout: 30_000 });
    assert.equal((await asUser(installed('gflow'), ['log', id])).stdout, 'from the package\n');
    const down = await asUser(installed('gflowd'), ['down']);
    assert.equal(down.code, 0, down.stderr);
    assert.equal((await asUser(installed('gflowd'), ['status'])).code, 1);
  });
});
