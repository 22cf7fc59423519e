// Reload under load: wall time of `gflowd reload` (10 in a row), requests that failed at the
// raw HTTP level (no retries) and at the CLI level, and the time no daemon was scheduling
// (from the daemons' log: lease released → lease taken).
import fs from 'node:fs';
import path from 'node:path';
import { Sandbox } from '../../dist/test/helpers/sandbox.js';
import { rawGet, summarize } from './stats.mjs';

const RELOADS = Number(process.env.BENCH_RELOADS ?? 10);


export async function benchReload() {
  const sb = await Sandbox.create();
  try {
    await sb.up();
    const token = fs.readFileSync(path.join(sb.configDir, 'token'), 'utf8').trim();
    let running = true;
    const raw = { ok: 0, failed: 0 };
    const cli = { ok: 0, failed: 0 };
    const rawLoop = async () => {
      while (running) (await rawGet(sb.port, token)) ? raw.ok++ : raw.failed++;
    };
    const cliLoop = async () => {
      while (running) {
        const r = await sb.gflow('submit', '--', 'true');
        r.code === 0 ? cli.ok++ : cli.failed++;
        const q = await sb.gflow('queue', '-n', '5');
        q.code === 0 ? cli.ok++ : cli.failed++;
      }
    };
    const loops = [rawLoop(), rawLoop(), rawLoop(), rawLoop(), cliLoop(), cliLoop()];
    const walls = [];
    for (let i = 0; i < RELOADS; i++) {
      const r = await sb.gflowd('reload', '--json');
      if (r.code !== 0) throw new Error(`reload failed: ${r.stderr}`);
      walls.push(JSON.parse(r.stdout).totalMs);
    }
    running = false;
    await Promise.all(loops);
    return {
      reloadWallMs: summarize(walls),
      rawRequests: raw,
      cliCommands: cli,
      noSchedulerMs: summarize(leaseGaps(path.join(sb.stateDir, 'gflowd.log'))),
    };
  } finally {
    await sb.cleanup();
  }
}

// Pairs each "released the scheduling lease" with the next "holding the scheduling lease".
function leaseGaps(logFile) {
  const gaps = [];
  let released;
  for (const line of fs.readFileSync(logFile, 'utf8').split('\n')) {
    // Log lines start with the local time to the second (src/config/local-time.ts).
    const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})/.exec(line);
    const t = m ? new Date(`${m[1]}T${m[2]}`).getTime() : NaN;
    if (line.includes('released the scheduling lease')) released = t;
    else if (line.includes('holding the scheduling lease') && released !== undefined) {
      gaps.push(t - released);
      released = undefined;
    }
  }
  return gaps;
}
