// `gflowd reload` with 10,000 queued and 50 running jobs, under request traffic: wall time and
// requests that failed (raw HTTP, no retries).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { summarize } from './stats.mjs';

const QUEUED = Number(process.env.BENCH_RELOAD_QUEUED ?? 10_000);
const RUNNING = 50;
const RELOADS = 5;

function rawGet(port, token) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/v1/jobs?states=running', agent: false, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('error', () => resolve(false));
  });
}

export async function benchScaleReload(sb) {
  await sb.up('--cpus', String(RUNNING));
  await sb.ok('gflow', 'submit', '--array', `1-${RUNNING}`, '--', 'sleep', '3600');
  await sb.ok('gflow', 'submit', '--array', `1-${QUEUED}`, '--', 'true');
  const token = fs.readFileSync(path.join(sb.configDir, 'token'), 'utf8').trim();
  let running = true;
  const raw = { ok: 0, failed: 0 };
  const loop = async () => {
    while (running) (await rawGet(sb.port, token)) ? raw.ok++ : raw.failed++;
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
