// The dashboard's page: logs in with the code in the address's fragment (then removes it),
// shows the summary bar and the page the address names, and keeps both live from the event
// stream.
import { ROUTES, type InfoResponse } from '../../protocol/api.js';
import type { GflowEvent } from '../../protocol/events.js';
import { LOGIN_FRAGMENT, type UiWho } from '../../protocol/web.js';
import { ApiError, get, post, whenLoggedOut } from './api.js';
import { fill, h } from './dom.js';
import { Live, type LiveState } from './live.js';
import { chartsPage } from './pages/charts.js';
import { daemonPage } from './pages/daemon.js';
import { gpusPage } from './pages/gpus.js';
import { jobPage } from './pages/job.js';
import type { Page } from './pages/page.js';
import { queuePage } from './pages/queue.js';

const app = document.getElementById('app')!;

function loginScreen(problem?: string): void {
  live?.stop();
  document.title = 'gflow · log in';
  fill(
    app,
    h(
      'main',
      { class: 'login' },
      h('div', { class: 'card login-card' },
        h('div', { class: 'brand big' }, h('span', { class: 'logo', text: 'g' }), 'gflow'),
        h('h1', { text: 'Open the dashboard from your terminal' }),
        problem ? h('p', { class: 'error', text: problem }) : null,
        h('p', { text: 'Run this on the machine where gflowd runs; it prints a link that logs this browser in once:' }),
        h('pre', { class: 'mono', text: 'gflow ui' }),
        h('p', { class: 'muted', text: 'The link works for one minute. Your login then lasts a week in this browser.' }),
      ),
    ),
  );
}

let live: Live | undefined;
let who: UiWho;
let page: Page | undefined;
const view = h('main', { id: 'view' });
const summary = h('div', { class: 'summary' });
const dot = h('span', { class: 'conn connecting', title: 'connecting to the event stream', text: 'connecting' });
const nav = h(
  'nav',
  { class: 'tabs' },
  ...[
    ['#/', 'Queue'],
    ['#/gpus', 'GPUs'],
    ['#/charts', 'Charts'],
    ['#/daemon', 'Daemon'],
  ].map(([href, text]) => h('a', { href: href!, text: text!, data: { tab: text!.toLowerCase() } })),
);

function route(): Page {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query] = hash.split('?') as [string, string | undefined];
  const params = new URLSearchParams(query ?? '');
  const job = /^\/job\/(\d+)$/.exec(path);
  if (job) return jobPage(Number(job[1]), who);
  if (path === '/gpus') return gpusPage();
  if (path === '/charts') return chartsPage();
  if (path === '/daemon') return daemonPage();
  return queuePage(params, who);
}

function show(): void {
  page?.dispose?.();
  page = route();
  const tab = page.title === 'Queue' || page.title.startsWith('Job') ? 'queue' : page.title.toLowerCase();
  for (const a of nav.querySelectorAll('a')) a.classList.toggle('on', a.dataset.tab === tab);
  document.title = `${page.title} · gflow`;
  fill(view, page.el);
  void refreshPage(null);
}

async function refreshPage(e: GflowEvent | null): Promise<void> {
  const p = page;
  if (!p) return;
  try {
    await p.refresh(e);
    view.classList.remove('stale');
  } catch (err) {
    if (err instanceof ApiError && err.status === 0) view.classList.add('stale');
    else if (err instanceof ApiError && err.status !== 401 && p === page) fill(view, h('section', { class: 'page' }, h('p', { class: 'error', text: `${err.message}${err.hint ? ` — ${err.hint}` : ''}` })));
  }
}

function stat(label: string, value: string, cls: string, href: string): HTMLElement {
  return h('a', { class: `stat ${cls}`, href }, h('strong', { text: value }), h('span', { text: label }));
}

async function refreshSummary(): Promise<void> {
  try {
    const info = await get<InfoResponse>(ROUTES.info);
    const c = info.counts;
    const busy = info.gpus.filter((g) => g.holders.length > 0 || g.foreign.some((f) => !f.ignored)).length;
    fill(
      summary,
      stat('running', String(c.running ?? 0), 'running', '#/?state=running'),
      stat('waiting', String((c.queued ?? 0) + (c.hold ?? 0)), 'queued', '#/?state=waiting'),
      stat('GPUs busy', info.gpus.length ? `${busy}/${info.gpus.length}` : '—', 'gpus', '#/gpus'),
      stat('CPU slots', `${info.cpus.used}/${info.cpus.total}`, 'cpus', '#/gpus'),
    );
  } catch {
    // shown as stale by the page
  }
}

// Events come in bursts (an array of 100 jobs): one refresh per burst.
function debounce(fn: () => void, ms: number): () => void {
  let timer: number | undefined;
  return () => {
    if (timer !== undefined) return;
    timer = window.setTimeout(() => {
      timer = undefined;
      fn();
    }, ms);
  };
}

function setLive(s: LiveState): void {
  dot.className = `conn ${s}`;
  dot.textContent = s === 'live' ? 'live' : s === 'connecting' ? 'reconnecting' : 'polling';
  dot.title = s === 'live' ? 'updated from the event stream' : s === 'connecting' ? 'the daemon is away (a reload?): reconnecting' : 'no event stream: refreshing every few seconds';
}

async function start(): Promise<void> {
  whenLoggedOut((e) => loginScreen(`${e.message}.`));
  // A login link opened in a tab that shows the dashboard already changes only the fragment.
  window.addEventListener('hashchange', () => {
    if (location.hash.startsWith(`#${LOGIN_FRAGMENT}=`)) location.reload();
  });
  // The login code is in the fragment, which the browser never sends anywhere; it goes to the
  // daemon once, in a POST body, and leaves the address (and the history) at once.
  const m = new RegExp(`^#${LOGIN_FRAGMENT}=([A-Za-z0-9_-]+)$`).exec(location.hash);
  if (m) {
    history.replaceState(null, '', `${location.pathname}#/`);
    try {
      who = await post<UiWho>(ROUTES.uiSession, { code: m[1] });
    } catch (err) {
      const e = err as ApiError;
      loginScreen(`${e.message}${e.hint ? ` — ${e.hint}` : ''}.`);
      return;
    }
  } else {
    try {
      who = await get<UiWho>(ROUTES.uiSession);
    } catch (err) {
      const e = err as ApiError;
      // Not logged in (401), or a browser without the session (403): the page says how to log in.
      loginScreen(e.status === 401 || e.status === 403 ? undefined : e.message);
      return;
    }
  }
  const logout = h('button', {
    class: 'btn small',
    text: 'Log out',
    on: {
      click: () => {
        void post(ROUTES.uiLogout).finally(() => loginScreen());
      },
    },
  });
  fill(
    app,
    h(
      'header',
      { class: 'top' },
      h('a', { class: 'brand', href: '#/' }, h('span', { class: 'logo', text: 'g' }), 'gflow'),
      nav,
      summary,
      h('div', { class: 'who' }, dot, h('span', { class: 'user', text: `${who.user}${who.admin && who.mode === 'shared' ? ' (admin)' : ''}` }), logout),
    ),
    view,
  );
  window.addEventListener('hashchange', show);
  show();
  void refreshSummary();
  live = new Live();
  live.onState(setLive);
  const summarySoon = debounce(() => void refreshSummary(), 1000);
  const pageSoon = debounce(() => void refreshPage(null), 150);
  live.onChange((e) => {
    summarySoon();
    if (e === null || !page?.wants || page.wants(e)) pageSoon();
  });
  live.start();
}

void start();
