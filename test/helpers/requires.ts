// The one way a test says it needs a part of the machine (root, local users, Chromium, Slurm, a
// shell, memory cgroups …). Where the part is missing the test is skipped with a line saying
// what is missing and how to get it; under CI=true it fails instead, so a CI machine without
// the part cannot pass green with the feature untested (.ci/run installs what can be installed,
// through scripts/system-deps.sh --test). test/test-rules.test.ts keeps every other skip out.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { it, type TestContext } from 'node:test';

const CI = process.env.CI === 'true';

/** How each part is had: what the messages of a missing part say. */
export const HOW = {
  root: 'run the tests as root (.ci/run does)',
  users: 'run the tests as root on a machine with useradd (.ci/run does): they create local users',
  systemDeps: 'scripts/system-deps.sh --test installs it (.ci/run runs that first)',
  cgroups: 'cannot be installed: run the tests as root where the kernel has a writable memory cgroup (v2 or v1)',
  tmpfs: 'run the tests as root where mount is permitted (a container needs CAP_SYS_ADMIN)',
} as const;

/** node:test options: skipped, saying why, or not. */
export type Needs = { skip: string | false };

function message(what: string, hint: string): string {
  return `needs ${what}: ${hint}`;
}

/**
 * Options for `describe` or `it` that need `what`. Missing under CI: one failing test named after
 * what is missing is added beside them (they are not run: they would only fail less clearly).
 */
export function requires(what: string, available: boolean, hint: string): Needs {
  if (available) return { skip: false };
  const why = message(what, hint);
  if (CI) it(`requires ${what}`, () => assert.fail(`${why} (CI=true: a missing part fails the run)`));
  return { skip: why };
}

/**
 * The same for a need found while a test runs: false when the test must stop here (it has been
 * marked skipped); under CI it fails the test instead.
 */
export function requiresNow(t: TestContext, what: string, available: boolean, hint: string): boolean {
  if (available) return true;
  const why = message(what, hint);
  if (CI) assert.fail(`${why} (CI=true: a missing part fails the run)`);
  t.skip(why);
  return false;
}

/** Whether a program is on PATH. */
export function installed(program: string): boolean {
  return spawnSync('sh', ['-c', `command -v '${program}'`]).status === 0;
}

/** `requires` for tests that run as several local users (testUsers: undefined where it cannot make them). */
export function requiresUsers(users: readonly unknown[] | undefined): Needs {
  return requires('local users (root and useradd)', users !== undefined, HOW.users);
}
