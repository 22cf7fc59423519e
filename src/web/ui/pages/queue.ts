// The queue: every job with its state, time and why it waits; filter by state, user and name,
// sort by any column. Filters live in the address (#/?state=…&user=…&q=…&sort=…), so a view
// can be bookmarked.
import { ROUTES, type JobsResponse } from '../../../protocol/api.js';
import type { Job, JobState } from '../../../protocol/job.js';
import type { UiWho } from '../../../protocol/web.js';
import { get } from '../api.js';
import { fill, h } from '../dom.js';
import { commandText, jobTime, localTime, STATE_LABEL } from '../format.js';
import { outcome } from '../job-text.js';
import type { Page } from './page.js';

const VIEWS: { key: string; label: string; query: string; states?: JobState[] }[] = [
  { key: 'active', label: 'Active', query: '' },
  { key: 'running', label: 'Running', query: 'states=running' },
  { key: 'waiting', label: 'Waiting', query: 'states=queued,hold' },
  { key: 'ended', label: 'Ended', query: 'states=finished,failed,cancelled,timeout&limit=500' },
  { key: 'all', label: 'All', query: 'all=1&limit=1000' },
];

type SortKey = 'id' | 'name' | 'user' | 'state' | 'time' | 'gpus' | 'submitted';
const COLUMNS: { key: SortKey | null; label: string; cls?: string }[] = [
  { key: 'id', label: 'ID', cls: 'num' },
  { key: 'name', label: 'Name' },
  { key: 'user', label: 'User' },
  { key: 'state', label: 'State' },
  { key: 'gpus', label: 'GPUs', cls: 'num' },
  { key: 'time', label: 'Time', cls: 'num' },
  { key: null, label: 'Reason / end' },
  { key: 'submitted', label: 'Submitted' },
];
const STATE_ORDER: Record<JobState, number> = { running: 0, queued: 1, hold: 2, failed: 3, timeout: 4, cancelled: 5, finished: 6 };

function timeMs(j: Job): number {
  const t = (s: string | null): number | undefined => (s ? Date.parse(s) : undefined);
  const start = t(j.startedAt);
  return start !== undefined ? (t(j.finishedAt) ?? Date.now()) - start : Date.now() - Date.parse(j.submittedAt);
}

function compare(key: SortKey): (a: Job, b: Job) => number {
  switch (key) {
    case 'id':
      return (a, b) => a.id - b.id;
    case 'name':
      return (a, b) => (a.name ?? '').localeCompare(b.name ?? '') || a.id - b.id;
    case 'user':
      return (a, b) => a.user.localeCompare(b.user) || a.id - b.id;
    case 'state':
      return (a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || a.id - b.id;
    case 'time':
      return (a, b) => timeMs(a) - timeMs(b);
    case 'gpus':
      return (a, b) => a.gpus - b.gpus || a.id - b.id;
    case 'submitted':
      return (a, b) => Date.parse(a.submittedAt) - Date.parse(b.submittedAt) || a.id - b.id;
  }
}

export function queuePage(params: URLSearchParams, who: UiWho): Page {
  const view = VIEWS.find((v) => v.key === params.get('state')) ?? VIEWS[0]!;
  let user = params.get('user') ?? '';
  let q = params.get('q') ?? '';
  const sortParam = params.get('sort') ?? '-id';
  let sortKey = (sortParam.replace(/^-/, '') as SortKey) || 'id';
  let descending = sortParam.startsWith('-');
  let jobs: Job[] = [];

  const setParams = (): void => {
    const p = new URLSearchParams();
    if (view.key !== 'active') p.set('state', view.key);
    if (user) p.set('user', user);
    if (q) p.set('q', q);
    if (sortKey !== 'id' || !descending) p.set('sort', `${descending ? '-' : ''}${sortKey}`);
    const text = p.toString();
    history.replaceState(null, '', `#/${text ? `?${text}` : ''}`);
  };

  const tabs = h(
    'nav',
    { class: 'chips', aria: { label: 'job states' } },
    ...VIEWS.map((v) => h('a', { class: v === view ? 'chip on' : 'chip', href: `#/?state=${v.key}`, text: v.label, data: { view: v.key } })),
  );
  const users = h('select', { class: 'input', aria: { label: 'user' }, on: { change: () => { user = users.value; setParams(); draw(); } } });
  const search = h('input', { class: 'input grow', type: 'search', placeholder: 'Filter by name or id', value: q, aria: { label: 'filter by name' } });
  search.addEventListener('input', () => {
    q = search.value.trim();
    setParams();
    draw();
  });
  const head = h('thead');
  const body = h('tbody');
  const empty = h('p', { class: 'empty', hidden: true });
  const count = h('span', { class: 'muted count' });
  const el = h('section', { class: 'page queue' }, h('div', { class: 'toolbar' }, tabs, users, search, count), h('div', { class: 'table-wrap' }, h('table', { class: 'jobs' }, head, body)), empty);

  const drawHead = (): void => {
    fill(
      head,
      h(
        'tr',
        null,
        ...COLUMNS.map((c) => {
          if (!c.key) return h('th', { text: c.label, class: c.cls });
          const key = c.key;
          const on = key === sortKey;
          const th = h('th', { class: `${c.cls ?? ''} sortable${on ? ' sorted' : ''}`, aria: { sort: on ? (descending ? 'descending' : 'ascending') : 'none' } });
          th.append(h('button', { class: 'sort', text: `${c.label}${on ? (descending ? ' ↓' : ' ↑') : ''}`, on: { click: () => { if (sortKey === key) descending = !descending; else { sortKey = key; descending = key === 'id' || key === 'time' || key === 'submitted'; } setParams(); drawHead(); draw(); } } }));
          return th;
        }),
      ),
    );
  };

  const drawUsers = (): void => {
    const names = [...new Set([who.user, ...jobs.map((j) => j.user)])].sort();
    if (user && !names.includes(user)) names.push(user);
    fill(users, h('option', { value: '', text: 'All users' }), ...names.map((n) => h('option', { value: n, text: n === who.user ? `${n} (me)` : n })));
    users.value = user;
  };

  const draw = (): void => {
    const needle = q.toLowerCase();
    const shown = jobs
      .filter((j) => !user || j.user === user)
      .filter((j) => !needle || (j.name ?? commandText(j)).toLowerCase().includes(needle) || String(j.id) === needle)
      .sort(compare(sortKey));
    if (descending) shown.reverse();
    const now = Date.now();
    fill(
      body,
      ...shown.map((j) =>
        h(
          'tr',
          { class: `state-${j.state}`, data: { job: String(j.id) } },
          h('td', { class: 'num' }, h('a', { href: `#/job/${j.id}`, text: String(j.id) })),
          h('td', { class: 'name' }, j.name ? h('a', { href: `#/job/${j.id}`, text: j.name, title: j.name }) : h('a', { class: 'cmd', href: `#/job/${j.id}`, text: commandText(j), title: commandText(j) })),
          h('td', { text: j.user }),
          h('td', null, h('span', { class: `pill ${j.state}`, text: STATE_LABEL[j.state] })),
          h('td', { class: 'num', text: j.gpus ? String(j.gpus) : '—', title: j.gpuIds?.length ? `GPU ${j.gpuIds.join(',')}` : '' }),
          h('td', { class: 'num', text: jobTime(j, now) }),
          h('td', { class: 'reason', text: outcome(j) }),
          h('td', { class: 'muted', text: localTime(j.submittedAt) }),
        ),
      ),
    );
    count.textContent = `${shown.length} job${shown.length === 1 ? '' : 's'}`;
    empty.hidden = shown.length > 0;
    empty.textContent = jobs.length === 0 ? (view.key === 'active' ? 'Nothing queued or running. Submit with `gflow submit -- <command>`.' : 'No jobs here.') : 'No job matches the filter.';
  };

  drawHead();
  // Elapsed times move on between events: redrawn from what the page has, without asking.
  const tick = window.setInterval(draw, 5000);
  return {
    el,
    title: 'Queue',
    dispose: () => window.clearInterval(tick),
    async refresh() {
      const res = await get<JobsResponse>(`${ROUTES.jobs}${view.query ? `?${view.query}` : ''}`);
      jobs = res.jobs;
      drawUsers();
      draw();
    },
  };
}
