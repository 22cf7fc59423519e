// `gflow log --last 10` on a 1 GB log: wall time and peak memory of the CLI process, N runs.
// The log is written straight into an ended job's log file (what a chatty job leaves).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { BIN } from '../../dist/test/helpers/sandbox.js';
import { summarize } from './stats.mjs';

const RUNS = Number(process.env.BENCH_BIGLOG_RUNS ?? 5);
const SIZE = 1024 ** 3;

function writeLog(file) {
  const line = (i) => `step ${i} loss=${(1 / (i + 1)).toFixed(6)} \x1b[32mok\x1b[0m ${'.'.repeat(40)}\n`;
  const fd = fs.openSync(file, 'w');
  let written = 0;
  let i = 0;
  while (written < SIZE) {
    let block = '';
    while (block.length < 1 << 20) block += line(i++);
    written += fs.writeSync(fd, block);
  }
  fs.closeSync(fd);
  return i;
}

export async function benchBigLog(sb) {
  const id = Number(/Submitted job (\d+)/.exec(await sb.ok('gflow', 'submit', '--', 'true'))[1]);
  const { logPath } = await sb.waitEnded(id);
  const lines = writeLog(logPath);
  const ms = [];
  const rssMb = [];
  const want = `step ${lines - 1} loss=${(1 / lines).toFixed(6)} ok ${'.'.repeat(40)}\n`;
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    // GNU time's %M: the process's peak resident set, in KiB, printed last on stderr.
    const res = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, BIN.gflow, 'log', '--last', '10', String(id)], { env: sb.env, encoding: 'utf8' });
    ms.push(performance.now() - t);
    if (res.status !== 0 || !res.stdout.endsWith(want) || res.stdout.split('\n').length !== 11) throw new Error(`gflow log --last 10 went wrong: ${res.stderr}${res.stdout.slice(-300)}`);
    rssMb.push(Number(res.stderr.trim().split('\n').at(-1)) / 1024);
  }
  fs.rmSync(logPath, { force: true });
  return { logBytes: SIZE, lastTenMs: summarize(ms), maxRssMb: summarize(rssMb) };
}
