// One job: what it runs and where, its times, how it ended, the jobs around it, the actions
// its state allows, and its log as its terminal showed it, live.
import { ROUTES, type WhyResponse } from '../../../protocol/api.js';
import type { Job } from '../../../protocol/job.js';
import type { RelatedJob, RelatedResponse, UiWho } from '../../../protocol/web.js';
import { ApiError, get, post } from '../api.js';
import { confirmAction, toast } from '../confirm.js';
import { fill, h } from '../dom.js';
import { commandText, duration, jobTitle, localTime, STATE_LABEL } from '../format.js';
import { ACTION_TEXT, allowedActions, outcome, type UiAction } from '../job-text.js';
import { LogView } from '../log-view.js';
import type { Page } from './page.js';

function links(jobs: RelatedJob[]): Node {
  if (jobs.length === 0) return document.createTextNode('—');
  return h('span', { class: 'links' }, ...jobs.map((j) => h('a', { class: `pill ${j.state}`, href: `#/job/${j.id}`, text: jobTitle(j), title: `${STATE_LABEL[j.state]} · ${j.user}` })));
}

function field(label: string, value: Node | string, cls = ''): HTMLElement[] {
  return [h('dt', { text: label }), h('dd', { class: cls }, value)];
}

/** A field as wide as the card (a command, a path). */
function wide(label: string, value: string): HTMLElement[] {
  return field(label, value, 'mono wide');
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

function between(a: string, b: string | null): string {
  return duration((b ? Date.parse(b) : Date.now()) - Date.parse(a));
}

export function jobPage(id: number, who: UiWho): Page {
  const title = h('h1', { text: `Job ${id}` });
  const state = h('span', { class: 'pill' });
  const actions = h('div', { class: 'actions' });
  const facts = h('dl', { class: 'facts' });
  const logStatus = h('span', { class: 'muted', text: 'loading…' });
  const term = h('div', { class: 'terminal', data: { job: String(id) } });
  const el = h(
    'section',
    { class: 'page job' },
    h('div', { class: 'job-head' }, h('a', { class: 'back', href: '#/', text: '← Queue' }), title, state, actions),
    h('div', { class: 'card' }, facts),
    h('div', { class: 'log-head' }, h('h2', { text: 'Log' }), logStatus),
    term,
  );
  let log: LogView | undefined;
  let busy = false;
  let logText = 'loading…';
  let started = true;
  const showLogStatus = (): void => {
    logStatus.textContent = logText === 'following' && !started ? 'not started yet: its output appears here when it starts' : logText;
  };

  const act = async (job: Job, action: UiAction): Promise<void> => {
    const t = ACTION_TEXT[action];
    if (busy || !(await confirmAction(t.question(job), t.detail, t.label, t.danger))) return;
    busy = true;
    try {
      // An ended job keeps no environment: a redo runs with the account's login environment.
      const res = await post<{ job?: Job; jobs?: Job[] }>(ROUTES.jobAction(job.id, action), action === 'redo' ? { env: who.loginEnv } : undefined);
      const made = res.jobs?.[0] ?? res.job;
      toast(action === 'redo' && made ? `Submitted job ${made.id}` : `${t.label}: job ${job.id}`);
      if (action === 'redo' && made) location.hash = `#/job/${made.id}`;
    } catch (err) {
      const e = err as ApiError;
      toast(`${e.message}${e.hint ? ` — ${e.hint}` : ''}`, 'error');
    } finally {
      busy = false;
      await page.refresh(null);
    }
  };

  const draw = (r: RelatedResponse, why: WhyResponse | undefined): void => {
    const j = r.job;
    started = j.startedAt !== null || j.finishedAt !== null;
    showLogStatus();
    title.textContent = jobTitle(j);
    document.title = `${jobTitle(j)} · gflow`;
    state.className = `pill big ${j.state}`;
    state.textContent = STATE_LABEL[j.state];
    const mine = who.admin || j.user === who.user;
    fill(
      actions,
      ...allowedActions(j).map((a) =>
        h('button', {
          class: `btn${ACTION_TEXT[a].danger ? ' danger' : ''}`,
          text: ACTION_TEXT[a].label,
          data: { action: a },
          disabled: !mine,
          title: mine ? '' : `only ${j.user} (or root) can do this`,
          on: { click: () => void act(j, a) },
        }),
      ),
    );
    const ended = j.finishedAt !== null;
    const retries = j.maxRetries > 0 || j.attempts.length > 0 || j.attempt > 0 ? `${j.attempt} of ${j.maxRetries} retries used${j.attempts.length ? `; ${j.attempts.length} earlier run${j.attempts.length === 1 ? '' : 's'}` : ''}` : 'none';
    fill(
      facts,
      ...wide('Command', commandText(j)),
      ...wide('Directory', j.cwd),
      ...wide('Log file', j.logPath),
      ...field('User', `${j.user}${j.project ? ` · project ${j.project}` : ''}`),
      ...field(ended ? 'Ended' : j.state === 'running' ? 'Running on' : 'Waiting', `${outcome(j) || (j.state === 'running' ? 'CPUs only' : '—')}${why?.wait ? ` · ${ordinal(why.wait.place)} of ${why.wait.queued} in the queue` : ''}`),
      ...field('Exit code', j.exitCode === null ? '—' : `${j.exitCode}${j.signal ? ` (${j.signal})` : ''}${j.endedBy ? ` · ${j.endedBy === 'natural' ? 'exited by itself' : j.endedBy === 'soft' ? 'stopped by SIGTERM' : 'killed by SIGKILL'}` : ''}`),
      ...field('Submitted', localTime(j.submittedAt)),
      ...field('Started', j.startedAt ? `${localTime(j.startedAt)} · waited ${between(j.submittedAt, j.startedAt)}` : j.finishedAt ? 'never' : `not yet · waiting ${between(j.submittedAt, null)}`),
      ...field(j.finishedAt ? 'Ended' : 'Running for', j.finishedAt ? `${localTime(j.finishedAt)}${j.startedAt ? ` · ran ${between(j.startedAt, j.finishedAt)}` : ''}` : j.startedAt ? between(j.startedAt, null) : '—'),
      ...field('Resources', `${j.cpus} CPU${j.cpus === 1 ? '' : 's'} · ${j.gpus} GPU${j.gpus === 1 ? '' : 's'}${j.gpuIds?.length ? ` (GPU ${j.gpuIds.join(',')})` : ''}${j.memMb ? ` · ${j.memMb} MiB` : ''}${j.timeLimitSec ? ` · limit ${duration(j.timeLimitSec * 1000)}` : ''}`),
      ...field('Priority', String(j.priority)),
      ...field('Depends on', links(r.dependsOn)),
      ...field('Needed by', links(r.dependents)),
      ...field('Retries', retries),
      ...field('Retried / redone', links(r.family)),
    );
  };

  const page: Page = {
    el,
    title: `Job ${id}`,
    wants: (e) => e.job === null || e.job === id || e.type === 'job.submitted',
    async refresh() {
      const r = await get<RelatedResponse>(ROUTES.jobRelated(id));
      // A waiting job: its place in the queue too (what `gflow why` says).
      const why = r.job.state === 'queued' ? await get<WhyResponse>(ROUTES.jobAction(id, 'why')).catch(() => undefined) : undefined;
      draw(r, why);
      log ??= new LogView(term, id, (text) => {
        logText = text;
        showLogStatus();
      });
    },
    dispose() {
      log?.dispose();
    },
  };
  return page;
}
