// Reload under load: wall time of `gflowd reload` (10 in a row), requests that failed at the
// raw HTTP level (no retries) and at the CLI level, and the time no daemon was scheduling
// (from the event log: the old daemon stopped → the new one took the lease).
import fs from 'node:fs';
import path from 'node:path';
import { Sandbox } from '../../dist/test/helpers/sandbox.js';
import Database from 'better-sqlite3';
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
      noSchedulerMs: summarize(leaseGaps(path.join(sb.stateDir, 'gflow.db'))),
    };
  } finally {
    await sb.cleanup();
  }
}

// From the event log (ms timestamps): each hand-over's `daemon.stopped` to the `daemon.lease_taken`
// of the daemon that replaced it, when it schedules. The k-th hand-over's stop pairs with the
// k-th lease taken after the first daemon's: the new daemon may take the lease (released before
// the old one writes its stop) before that stop is written, which is no gap at all.
function leaseGaps(dbFile) {
  const db = new Database(dbFile, { readonly: true });
  try {
    const stops = [];
    const takes = [];
    for (const e of db.prepare("SELECT at, type, data FROM events WHERE type IN ('daemon.stopped', 'daemon.lease_taken') ORDER BY id").all()) {
      if (e.type === 'daemon.stopped' && JSON.parse(e.data).handingOver) stops.push(e.at);
      else if (e.type === 'daemon.lease_taken') takes.push(e.at);
    }
    return stops.flatMap((at, k) => (takes[k + 1] === undefined ? [] : [Math.max(0, takes[k + 1] - at)]));
  } finally {
    db.close();
  }
}
