// Runs every compiled test file (dist/test/**/*.test.js) with node's test runner.
// Node 20's runner takes no globs, and given a directory it would also run the helpers.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve('dist/test');
const only = process.argv.slice(2);
const files = fs
  .readdirSync(root, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.test.js'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort()
  .map((f) => path.join(root, f));
// Names that match no file must not fall through to `node --test` with none: that runs everything.
if (only.length > 0 && files.length === 0) {
  process.stderr.write(`run-tests: no test file under dist/test matches ${only.join(', ')} (paths are like cli/clean.test.js)\n`);
  process.exit(2);
}
// A test that hangs fails after TEST_TIMEOUT_MS instead of holding the run (the runner holds a
// whole file to the same limit); a file whose handles stay open after its tests is ended
// (--test-force-exit); and the whole run has a deadline, well inside CI's, so a hang shows up as
// a failed run that names what ran last, not as a timeout.
const TEST_TIMEOUT_MS = 10 * 60_000;
const RUN_TIMEOUT_MS = 45 * 60_000;
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', `--test-timeout=${TEST_TIMEOUT_MS}`, '--test-force-exit', ...files], {
  stdio: 'inherit',
  timeout: RUN_TIMEOUT_MS,
  killSignal: 'SIGKILL',
});
if (r.error?.code === 'ETIMEDOUT') process.stderr.write(`run-tests: the run took longer than ${RUN_TIMEOUT_MS / 60_000} min and was stopped\n`);
process.exit(r.status ?? 1);
