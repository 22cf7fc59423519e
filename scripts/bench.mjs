// `npm run bench`: runs the benchmarks against isolated daemons (own state dir, own tmux
// server, own port), stops everything, and writes bench/results.json and bench/results.md.
// `node scripts/bench.mjs reload drain` runs some parts only.
import fs from 'node:fs';
import os from 'node:os';
import { Sandbox } from '../dist/test/helpers/sandbox.js';
import { benchArray20k } from './bench/array20k.mjs';
import { benchBigLog } from './bench/big-log.mjs';
import { benchCli } from './bench/cli.mjs';
import { benchBigSubmit, benchDrain, benchLatency, benchManySubmit } from './bench/jobs.mjs';
import { benchReload } from './bench/reload.mjs';
import { benchScale } from './bench/scale.mjs';
import { benchScaleEnded } from './bench/scale-ended.mjs';
import { benchScaleEvents } from './bench/scale-events.mjs';
import { benchScaleQueued } from './bench/scale-queued.mjs';
import { benchScaleReload } from './bench/scale-reload.mjs';
import { benchSlurm } from './bench/slurm.mjs';
import { benchStatsScale } from './bench/stats-scale.mjs';
import { load } from './bench/stats.mjs';
import { toMarkdown } from './bench/table.mjs';

// Each part gets a fresh sandbox started with these `gflowd up` arguments (null: none).
const parts = {
  cli: [['--cpus', '2'], benchCli],
  latency: [['--cpus', '2'], benchLatency],
  drain2: [['--cpus', '2'], (sb) => benchDrain(sb, 2)],
  drain100: [['--cpus', '100'], (sb) => benchDrain(sb, 100)],
  submit: [['--cpus', '2'], benchBigSubmit],
  many: [['--cpus', '2'], benchManySubmit],
  scale: [null, benchScale],
  stats: [null, benchStatsScale],
  reload: [null, () => benchReload()],
  queued100k: [null, benchScaleQueued],
  ended1M: [null, benchScaleEnded],
  eventClients: [null, benchScaleEvents],
  reload10k: [null, benchScaleReload],
  bigLog: [[], benchBigLog],
  array20k: [['--cpus', '2'], benchArray20k],
  // gflow on a one-node Slurm cluster beside plain sbatch (starts its own cluster and daemon)
  slurm: [null, benchSlurm],
};
const only = process.argv.slice(2);
const file = 'bench/results.json';
const results = fs.existsSync(file) && only.length ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
results.machine = { cpus: os.availableParallelism(), node: process.version, date: new Date().toISOString() };
for (const [name, [upArgs, run]] of Object.entries(parts)) {
  if (only.length && !only.includes(name)) continue;
  process.stderr.write(`bench: ${name}…\n`);
  const sb = await Sandbox.create();
  try {
    if (upArgs) await sb.up(...upArgs);
    const loadavg = load();
    results[name] = { ...(await run(sb)), loadavg };
  } finally {
    await sb.cleanup();
  }
  process.stderr.write(`${JSON.stringify(results[name])}\n`);
}
fs.mkdirSync('bench', { recursive: true });
fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
fs.writeFileSync('bench/results.md', toMarkdown(results));
process.stdout.write(toMarkdown(results));
