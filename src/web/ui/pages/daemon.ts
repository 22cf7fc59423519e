// The daemon: pid, version, uptime, mode, the scheduling lease, and its last starts and reloads
// (from the event stream's history).
import { ROUTES, type DaemonInfo } from '../../../protocol/api.js';
import type { GflowEvent } from '../../../protocol/events.js';
import type { Health } from '../../../protocol/job.js';
import { get } from '../api.js';
import { fill, h } from '../dom.js';
import { duration, localTime } from '../format.js';
import type { Page } from './page.js';

const HISTORY_TYPES = ['daemon.started', 'daemon.stopped', 'daemon.lease_taken', 'daemon.reload_begun', 'daemon.reload_done'];

/** The last daemon events, read from the stream's history (follow=0 answers and closes). */
async function daemonHistory(): Promise<GflowEvent[] | undefined> {
  try {
    const res = await fetch(`${ROUTES.events}?follow=0&types=${HISTORY_TYPES.join(',')}`, { credentials: 'same-origin', cache: 'no-store' });
    if (!res.ok) return undefined;
    const text = await res.text();
    const out: GflowEvent[] = [];
    for (const block of text.split('\n\n')) {
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n');
      if (!data) continue;
      try {
        out.push(JSON.parse(data) as GflowEvent);
      } catch {
        // not an event
      }
    }
    return out.reverse().slice(0, 20);
  } catch {
    return undefined;
  }
}

function describe(e: GflowEvent): string {
  const d = e.data as Record<string, unknown>;
  const pid = typeof d.pid === 'number' ? ` (pid ${d.pid})` : '';
  const version = typeof d.version === 'string' ? ` · ${d.version}` : '';
  const words: Record<string, string> = {
    'daemon.started': 'started',
    'daemon.stopped': 'stopped',
    'daemon.lease_taken': 'took the scheduling lease',
    'daemon.reload_begun': 'reload begun',
    'daemon.reload_done': 'reload done',
  };
  return `${words[e.type] ?? e.type}${pid}${version}`;
}

function leaseText(leader: boolean | undefined, pid: number): string {
  if (leader === undefined) return 'not known';
  return leader ? `held by this daemon (pid ${pid}): it starts and ends jobs` : 'not held by this daemon (a reload is handing over)';
}

export function daemonPage(): Page {
  const facts = h('dl', { class: 'facts' });
  const history = h('ol', { class: 'history' });
  const el = h('section', { class: 'page daemon' }, h('h1', { text: 'Daemon' }), h('div', { class: 'card' }, facts), h('h2', { text: 'Starts and reloads' }), history);
  return {
    el,
    title: 'Daemon',
    wants: (e) => e.type.startsWith('daemon.'),
    async refresh() {
      const [health, info, events] = await Promise.all([get<Health>(ROUTES.health), get<DaemonInfo>(ROUTES.daemon), daemonHistory()]);
      const row = (k: string, v: string): HTMLElement[] => [h('dt', { text: k }), h('dd', { text: v })];
      fill(
        facts,
        ...row('Process', `gflowd pid ${health.pid}`),
        ...row('Version', `${health.version} · protocol ${health.protocol}`),
        ...row('Mode', health.mode === 'shared' ? 'shared: the machine\'s daemon, for every user' : 'personal: one user\'s daemon'),
        ...row('Up since', `${localTime(health.startedAt)} (${duration(Date.now() - Date.parse(health.startedAt))})`),
        ...row('Scheduling lease', leaseText(info.scheduler?.leader ?? health.scheduling, health.pid)),
        ...row('Address', `127.0.0.1:${info.settings.port}`),
        ...row('CPU slots', String(info.settings.cpus)),
        ...row('GPUs used', `${info.settings.gpus} · ${info.settings.gpuStrategy}`),
        ...row('Kill grace', `${info.settings.killGraceSec} s`),
        ...(info.scheduler?.lastPassMs != null ? row('Last scheduling pass', `${info.scheduler.lastPassMs} ms`) : []),
        ...(info.eventListeners !== undefined ? row('Event stream', `${info.eventListeners} client${info.eventListeners === 1 ? '' : 's'} listening`) : []),
      );
      if (!events) fill(history, h('li', { class: 'muted', text: 'This daemon keeps no event history.' }));
      else if (events.length === 0) fill(history, h('li', { class: 'muted', text: 'No starts or reloads recorded yet.' }));
      else fill(history, ...events.map((e) => h('li', null, h('time', { text: localTime(e.at) }), h('span', { text: describe(e) }))));
    },
  };
}
