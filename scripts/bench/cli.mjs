// CLI start-up against `node -e 0`, measured in the same run, interleaved, N times each.
import { execFileSync } from 'node:child_process';
import { BIN } from '../../dist/test/helpers/sandbox.js';
import { summarize } from './stats.mjs';

const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 15);

function timeRun(argv, env) {
  const t = performance.now();
  execFileSync(process.execPath, argv, { env, stdio: 'ignore' });
  return performance.now() - t;
}

export async function benchCli(sb) {
  const cases = {
    'node -e 0': ['-e', '0'],
    'gflow --version': [BIN.gflow, '--version'],
    'gflow submit -- true': [BIN.gflow, 'submit', '--hold', '--', 'true'],
    'gflow queue': [BIN.gflow, 'queue'],
  };
  const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (const argv of Object.values(cases)) timeRun(argv, sb.env); // warm the file cache
  for (let i = 0; i < RUNS; i++) for (const [name, argv] of Object.entries(cases)) times[name].push(timeRun(argv, sb.env));
  await sb.gflow('cancel', '1-100000').catch(() => {});
  const base = summarize(times['node -e 0']).median;
  const out = {};
  for (const [name, t] of Object.entries(times)) out[name] = { ...summarize(t), ratio: Math.round((summarize(t).median / base) * 100) / 100 };
  return out;
}
