// An earlier release of gflow, built from this repository's history beside the current tree, for
// tests of upgrades: `gflowd reload` from the release into the code under test.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './sandbox.js';

/** The release before this one: 0.1.0, the commit its package was made from. */
export const PREVIOUS_RELEASE = { version: '0.1.0', commit: 'd9c289c' };

export interface BuiltRelease {
  dir: string;
  bin: { gflow: string; gflowd: string };
  remove(): void;
}

const run = (file: string, args: string[], cwd: string): void => {
  execFileSync(file, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
};

/** The locked dependency tree of a checkout, without the package's own version. */
function dependenciesOf(dir: string): string {
  const lock = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  const { '': self, ...deps } = lock.packages;
  return JSON.stringify([{ ...self, version: undefined }, deps]);
}

/**
 * Checks the release out of git into a temporary directory and builds it as `npm run build`
 * would. Its dependencies are this tree's when both lock files are the same (they are installed
 * already); a release with other dependencies gets its own `npm ci`.
 */
export function buildRelease(commit: string): BuiltRelease {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gflow-release-'));
  try {
    execFileSync('bash', ['-c', `git -C "$1" archive --format=tar "$2" | tar -x -C "$3"`, 'archive', ROOT, commit, dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    if (dependenciesOf(dir) === dependenciesOf(ROOT)) {
      fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
      // The native addon's sources are the release's own: built again unless they are the same.
      const sameNative = spawnSync('git', ['-C', ROOT, 'diff', '--quiet', commit, 'HEAD', '--', 'native', 'binding.gyp']).status === 0;
      if (sameNative && fs.existsSync(path.join(ROOT, 'build'))) fs.cpSync(path.join(ROOT, 'build'), path.join(dir, 'build'), { recursive: true });
      else run('npx', ['--no-install', 'node-gyp', 'rebuild'], dir);
      run('npm', ['run', '--silent', 'build'], dir);
    } else {
      run('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], dir);
    }
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`cannot build gflow ${commit} (needs the repository's git history): ${e.stderr?.toString().trim() || e.message}`);
  }
  return {
    dir,
    bin: { gflow: path.join(dir, 'bin', 'gflow'), gflowd: path.join(dir, 'bin', 'gflowd') },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
