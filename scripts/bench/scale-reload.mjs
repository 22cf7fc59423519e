// `gflowd reload` with 10,000 queued and 50 running jobs, under request traffic: wall time and
// requests that failed (raw HTTP, no retries).
import fs from 'node:fs';
import path from 'node:path';
import { rawGet, summarize } from './stats.mjs';

const QUEUED = Number(process.env.BENCH_RELOAD_QUEUED ?? 10_000);
const RUNNING = 50;
const RELOADS = 5;


export async function benchScaleReload(sb) {
  await sb.up('--cpus', String(RUNNING));
  await sb.ok('gflow', 'submit', '--array', `1-${RUNNING}`, '--', 'sleep', '3600');
  await sb.ok('gflow', 'submit', '--array', `1-${QUEUED}`, '--', 'true');
  const token = fs.readFileSync(path.join(sb.configDir, 'token'), 'utf8').trim();
  let running = true;
  const raw = { ok: 0, failed: 0 };
  const loop = async () => {
    while (running) (await rawGet(sb.port, token, '/v1/jobs?states=running')) ? raw.ok++ : raw.failed++;
  };
  const loops = [loop(), loop(), loop(), loop()];
  const walls = [];
  for (let i = 0; i < RELOADS; i++) {
    const r = await sb.gflowd('reload', '--json');
    if (r.code !== 0) throw new Error(`reload failed: ${r.stderr}`);
    walls.push(JSON.parse(r.stdout).totalMs);
  }
  running = false;
  await Promise.all(loops);
  const states = JSON.parse(await sb.ok('gflow', 'queue', '--json'));
  return { queued: states.filter((j) => j.state === 'queued').length, running: states.filter((j) => j.state === 'running').length, reloadWallMs: summarize(walls), rawRequests: raw };
}
