// `npm run bench`: runs the benchmarks against isolated daemons and writes
// bench/results.json and bench/results.md. `node scripts/bench.mjs reload` runs one part.
import fs from 'node:fs';
import os from 'node:os';
import { benchReload } from './bench/reload.mjs';
import { load } from './bench/stats.mjs';

const parts = { reload: benchReload };
const only = process.argv.slice(2);
const results = { machine: { cpus: os.availableParallelism(), node: process.version, date: new Date().toISOString() } };
for (const [name, run] of Object.entries(parts)) {
  if (only.length && !only.includes(name)) continue;
  process.stderr.write(`bench: ${name}…\n`);
  const loadBefore = load();
  results[name] = { ...(await run()), loadavg: loadBefore };
  process.stderr.write(`${JSON.stringify(results[name])}\n`);
}
fs.mkdirSync('bench', { recursive: true });
fs.writeFileSync('bench/results.json', `${JSON.stringify(results, null, 2)}\n`);
fs.writeFileSync('bench/results.md', toMarkdown(results));
process.stdout.write(toMarkdown(results));

function toMarkdown(r) {
  const lines = [`# gflow benchmarks`, '', `${r.machine.cpus} CPUs · node ${r.machine.node} · ${r.machine.date}`, ''];
  lines.push('| figure | min | median | max | target | load (1/5/15 min) |', '|---|---|---|---|---|---|');
  const row = (name, s, target, loadavg) => lines.push(`| ${name} | ${s.min} | ${s.median} | ${s.max} | ${target} | ${loadavg.join(' / ')} |`);
  if (r.reload) {
    row('reload wall time (ms, n=' + r.reload.reloadWallMs.n + ')', r.reload.reloadWallMs, '< 1500 median', r.reload.loadavg);
    row('time with no daemon scheduling (ms)', r.reload.noSchedulerMs, '—', r.reload.loadavg);
    lines.push(`| raw HTTP requests failed during reloads (no retries) | | ${r.reload.rawRequests.failed} of ${r.reload.rawRequests.ok + r.reload.rawRequests.failed} | | — | |`);
    lines.push(`| CLI commands failed during reloads | | ${r.reload.cliCommands.failed} of ${r.reload.cliCommands.ok + r.reload.cliCommands.failed} | | 0 | |`);
  }
  return `${lines.join('\n')}\n`;
}
