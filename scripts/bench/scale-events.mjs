// The event stream under load: the 500-job drain through 2 slots with no client on the stream,
// then with 200 clients following it (each counts what it gets); and every client must have
// received every event of the drain.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { benchDrain } from './jobs.mjs';

const CLIENTS = Number(process.env.BENCH_EVENT_CLIENTS ?? 200);

function follower(port, token) {
  const f = { events: 0, req: null };
  f.req = http.get({ host: '127.0.0.1', port, path: '/v1/events', agent: false, headers: { authorization: `Bearer ${token}` } }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk) => {
      for (const line of chunk.split('\n')) if (line.startsWith('id: ')) f.events++;
    });
  });
  f.req.on('error', () => {});
  return f;
}

export async function benchScaleEvents(sb) {
  await sb.up('--cpus', '2');
  const alone = await benchDrain(sb, 2);
  const token = fs.readFileSync(path.join(sb.configDir, 'token'), 'utf8').trim();
  const clients = Array.from({ length: CLIENTS }, () => follower(sb.port, token));
  await new Promise((r) => setTimeout(r, 1000)); // all connected
  const watched = await benchDrain(sb, 2);
  await new Promise((r) => setTimeout(r, 500)); // the last events reach everyone
  for (const c of clients) c.req.destroy();
  const got = clients.map((c) => c.events);
  return {
    clients: CLIENTS,
    drainAloneJobsPerSec: alone.jobsPerSec,
    drainWatchedJobsPerSec: watched.jobsPerSec,
    ratio: Math.round((watched.jobsPerSec.median / alone.jobsPerSec.median) * 100) / 100,
    eventsPerClient: { min: Math.min(...got), max: Math.max(...got) },
  };
}
