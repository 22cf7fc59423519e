// What the install tests share: a fresh clone of the tree's HEAD, a local account starting from
// an empty home, an npm cache already holding every package (root's, copied: nothing is
// downloaded twice, and npm may write to its copy) and SQLite's addon, and a PATH missing the
// build tools.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, type TestUser } from '../helpers/sandbox.js';

/** Hands a tree to a local account, as if they had made it. */
export function chownTree(dir: string, u: TestUser): void {
  execFileSync('chown', ['-R', `${u.uid}:${u.gid}`, dir]);
}

/**
 * A clone of the committed HEAD of this tree (what a user would clone; uncommitted changes are
 * not in it). Objects are copied, not hard-linked: handing the clone to another account must
 * not change the owner of this repository's files.
 */
export function cloneHead(dest: string, owner?: TestUser): string {
  const head = execFileSync('git', ['-C', ROOT, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', '--no-checkout', ROOT, dest]);
  // A worktree's HEAD is not the cloned repository's default branch: check out the commit itself.
  execFileSync('git', ['-C', dest, '-c', 'advice.detachedHead=false', 'checkout', '--quiet', head]);
  if (owner) chownTree(dest, owner);
  return dest;
}

/** Empties a test account's home back to what useradd made: each run starts as a new account and leaves nothing. */
export function freshHome(u: TestUser): void {
  for (const f of fs.readdirSync(u.home)) fs.rmSync(path.join(u.home, f), { recursive: true, force: true });
  fs.cpSync('/etc/skel', u.home, { recursive: true });
  chownTree(u.home, u);
}

/**
 * npm's environment for an account: a copy of root's cache in `dir`, and better-sqlite3's
 * prebuilt binary as prebuild-install would download it (a "local prebuild" made from this tree's
 * build), so that installs spend no minute compiling SQLite: gflow's own addon (and, in a
 * clone, node-pty) still compile, proving the account's toolchain works.
 */
export function npmEnvFor(u: TestUser, dir: string): NodeJS.ProcessEnv {
  const cache = execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim();
  fs.mkdirSync(dir, { recursive: true });
  if (fs.existsSync(path.join(cache, '_cacache'))) fs.cpSync(path.join(cache, '_cacache'), path.join(dir, '_cacache'), { recursive: true });
  const sqlite = path.join(ROOT, 'node_modules', 'better-sqlite3');
  const { version } = JSON.parse(fs.readFileSync(path.join(sqlite, 'package.json'), 'utf8')) as { version: string };
  const prebuilds = path.join(dir, 'prebuilds');
  fs.mkdirSync(prebuilds);
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  execFileSync('tar', ['-czf', path.join(prebuilds, name), '-C', sqlite, 'build/Release/better_sqlite3.node']);
  chownTree(dir, u);
  return { npm_config_cache: dir, npm_config_prefer_offline: 'true', npm_config_better_sqlite3_local_prebuilds: prebuilds };
}

/** A directory for PATH with node, npm and a shell but none of tmux, make, the compilers, python3 or sudo. */
export function pathWithoutBuildTools(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const tool of ['bash', 'sh', 'env', 'dirname', 'id', 'cat', 'node', 'npm']) {
    const at = execFileSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
    fs.symlinkSync(at, path.join(dir, tool));
  }
  return dir;
}

/**
 * A GPU lock directory for a test account's personal daemon, open to all as /tmp/gflow-gpu-locks
 * is: without it the daemon would make the machine's own one, owned by the test account.
 */
export function userGpuLockDir(dir: string): string {
  fs.mkdirSync(dir, { recursive: true, mode: 0o1777 });
  fs.chmodSync(dir, 0o1777);
  return dir;
}
