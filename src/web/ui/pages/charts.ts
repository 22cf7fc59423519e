// Charts of the last 24 hours from the daemon's minute samples: GPU utilisation and memory per
// GPU, and running and waiting jobs.
import uPlot from 'uplot';
import { ROUTES } from '../../../protocol/api.js';
import type { GpuSample, SamplesResponse } from '../../../protocol/web.js';
import { get } from '../api.js';
import { fill, h } from '../dom.js';
import type { Page } from './page.js';

const PALETTE = ['--c1', '--c2', '--c3', '--c4', '--c5', '--c6', '--c7', '--c8'];

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

interface ChartSpec {
  title: string;
  unit: string;
  series: { label: string; color: string; values: (number | null)[]; fill?: boolean }[];
  max?: number;
}

function chart(spec: ChartSpec, times: number[], width: number, now: number): HTMLElement {
  const box = h('figure', { class: 'card chart' }, h('figcaption', { text: spec.title }));
  const axis = { stroke: cssVar('--muted'), grid: { stroke: cssVar('--grid'), width: 1 }, ticks: { stroke: cssVar('--grid'), width: 1 } };
  const opts: uPlot.Options = {
    width,
    height: 220,
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true, range: [now - 86_400, now] }, y: spec.max !== undefined ? { range: [0, spec.max] } : { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.15))] } },
    axes: [{ ...axis }, { ...axis, size: 56, values: (_u, ticks) => ticks.map((t) => `${t}${spec.unit}`) }],
    legend: { live: true },
    series: [
      { value: (_u, v) => (v === null ? '—' : new Date(v * 1000).toLocaleTimeString()) },
      ...spec.series.map((s) => ({ label: s.label, stroke: s.color, width: 2, points: { show: times.length < 90, size: 5 }, fill: s.fill ? `${s.color}22` : undefined, value: (_u: uPlot, v: number | null) => (v === null ? '—' : `${Math.round(v * 10) / 10}${spec.unit}`) })),
    ],
  };
  const data: uPlot.AlignedData = [times, ...spec.series.map((s) => s.values)];
  new uPlot(opts, data, box);
  return box;
}

export function chartsPage(): Page {
  const grid = h('div', { class: 'chart-grid' });
  const note = h('p', { class: 'muted' });
  const el = h('section', { class: 'page charts' }, h('h1', { text: 'Last 24 hours' }), note, grid);
  let last: SamplesResponse | undefined;
  let lastWidth = 0;
  const draw = (): void => {
    if (!last) return;
    const samples = last.samples;
    const times = samples.map((s) => s.at / 1000);
    const columns = window.matchMedia('(min-width: 1100px)').matches ? 2 : 1;
    const width = Math.max(300, Math.floor(((grid.clientWidth || 900) - 14 * (columns - 1)) / columns) - 36);
    lastWidth = grid.clientWidth;
    const indices = [...new Set(samples.flatMap((s) => s.gpus.map((g) => g.index)))].sort((a, b) => a - b);
    const color = (i: number): string => cssVar(PALETTE[i % PALETTE.length]!);
    const ofGpu = (idx: number, pick: (g: GpuSample) => number): (number | null)[] =>
      samples.map((s) => {
        const g = s.gpus.find((x) => x.index === idx);
        return g ? pick(g) : null;
      });
    const charts: ChartSpec[] = [
      {
        title: 'Jobs',
        unit: '',
        series: [
          { label: 'running', color: cssVar('--running'), values: samples.map((s) => s.running), fill: true },
          { label: 'waiting', color: cssVar('--queued'), values: samples.map((s) => s.queued), fill: true },
        ],
      },
    ];
    // One chart per GPU (utilisation and memory together): easier to read than all GPUs in one.
    for (const idx of indices) {
      charts.push({
        title: `GPU ${idx}`,
        unit: '%',
        max: 100,
        series: [
          { label: 'utilisation', color: color(0), values: ofGpu(idx, (g) => g.util), fill: true },
          { label: 'memory', color: color(3), values: ofGpu(idx, (g) => (g.memTotalMb ? (100 * g.memUsedMb) / g.memTotalMb : 0)) },
        ],
      });
    }
    fill(grid, ...charts.map((c) => chart(c, times, width, Date.now() / 1000)));
    note.textContent = samples.length === 0 ? 'No samples yet: the daemon takes one a minute.' : `${samples.length} sample${samples.length === 1 ? '' : 's'}, one a minute, since ${new Date(samples[0]!.at).toLocaleString()}${indices.length ? '' : ' · no GPUs'}.`;
  };
  const resize = new ResizeObserver(() => {
    if (Math.abs(grid.clientWidth - lastWidth) > 20) draw();
  });
  resize.observe(grid);
  const scheme = window.matchMedia('(prefers-color-scheme: dark)');
  scheme.addEventListener('change', draw);
  let fetchedAt = 0;
  return {
    el,
    title: 'Charts',
    // Samples come once a minute: events do not change them.
    wants: () => false,
    async refresh() {
      if (Date.now() - fetchedAt < 20_000 && last) return;
      fetchedAt = Date.now();
      last = await get<SamplesResponse>(ROUTES.samples);
      draw();
    },
    dispose() {
      resize.disconnect();
      scheme.removeEventListener('change', draw);
    },
  };
}
