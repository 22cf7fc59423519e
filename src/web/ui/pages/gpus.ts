// The GPUs: memory and utilisation of each, and who holds it — a job of gflow, or a process
// gflow did not start.
import { ROUTES, type GpuInfo, type InfoResponse } from '../../../protocol/api.js';
import { get } from '../api.js';
import { fill, h } from '../dom.js';
import { mib } from '../format.js';
import type { Page } from './page.js';

export function meter(fraction: number, label: string, cls = ''): HTMLElement {
  const bar = h('span', { class: 'bar' });
  bar.style.width = `${Math.max(0, Math.min(1, fraction)) * 100}%`;
  const level = fraction >= 0.9 ? 'high' : fraction >= 0.6 ? 'mid' : 'low';
  return h('span', { class: `meter ${level} ${cls}`, role: 'meter', aria: { valuenow: String(Math.round(fraction * 100)), valuemin: '0', valuemax: '100', label } }, bar);
}

function gpuCard(g: GpuInfo): HTMLElement {
  const mem = g.memoryTotalMb > 0 ? g.memoryUsedMb / g.memoryTotalMb : 0;
  const holders = g.holders.map((x) => h('a', { class: 'pill running', href: `#/job/${x.job}`, text: `job ${x.job} · ${x.user}` }));
  const foreign = g.foreign.map((p) =>
    h('span', { class: `pill ${p.ignored ? 'muted-pill' : 'foreign'}`, title: p.lock ? 'holds the GPU lock of another gflow daemon' : p.job !== null ? `a process of job ${p.job} that does not hold this GPU` : 'a process gflow did not start' }, `pid ${p.pid}${p.usedMb ? ` · ${mib(p.usedMb)}` : ''}${p.job !== null ? ` · job ${p.job}` : ''}${p.lock ? ' · lock' : ''}${p.ignored ? ' · ignored' : ''}`),
  );
  const status = !g.allowed ? 'not used by gflow' : holders.length ? 'in use' : g.foreign.some((f) => !f.ignored) ? 'busy (other process)' : 'free';
  return h(
    'article',
    { class: `card gpu ${status.split(' ')[0]}`, data: { gpu: String(g.index) } },
    h('header', null, h('strong', { text: `GPU ${g.index}` }), h('span', { class: 'muted', text: g.name }), h('span', { class: `tag ${status.split(' ')[0]}`, text: status })),
    h('div', { class: 'metric' }, h('span', { text: 'Utilisation' }), meter(g.utilization / 100, 'utilisation', 'util'), h('span', { class: 'num', text: `${g.utilization}%` })),
    h('div', { class: 'metric' }, h('span', { text: 'Memory' }), meter(mem, 'memory'), h('span', { class: 'num', text: `${mib(g.memoryUsedMb)} / ${mib(g.memoryTotalMb)}` })),
    h('div', { class: 'holders' }, ...(holders.length || foreign.length ? [...holders, ...foreign] : [h('span', { class: 'muted', text: 'nobody' })])),
  );
}

export function gpusPage(): Page {
  const grid = h('div', { class: 'gpu-grid' });
  const note = h('p', { class: 'muted' });
  const el = h('section', { class: 'page gpus' }, h('h1', { text: 'GPUs' }), note, grid);
  return {
    el,
    title: 'GPUs',
    wants: (e) => e.type === 'gpus.changed' || e.type === 'job.started' || e.type === 'job.ended' || e.type === 'job.cancelled',
    async refresh() {
      const info = await get<InfoResponse>(ROUTES.info);
      fill(grid, ...info.gpus.map(gpuCard));
      note.textContent = info.gpus.length === 0 ? `No GPUs found${info.gpuError ? `: ${info.gpuError}` : ''}.` : `${info.gpus.length} GPU${info.gpus.length === 1 ? '' : 's'} · allocation ${info.strategy} · CPU slots ${info.cpus.used}/${info.cpus.total} in use`;
    },
  };
}
