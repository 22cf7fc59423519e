// The status line of the daemon's own tmux window (`tmux attach -t gflow_server`): running and
// waiting jobs, GPUs and who holds them, who schedules, the version — redrawn on events, so a
// glance at the window answers "what is my machine doing".
import { escapeControl } from '../core/control-chars.js';
import { ACTIVE_STATES } from '../protocol/job.js';
import type { JobStore } from '../store/jobs.js';
import { setStatusLine } from '../tmux/tmux.js';
import type { EventHub } from './events/hub.js';
import type { Gpus } from './gpus.js';
import type { Logger } from './logger.js';

export interface StatusLineOptions {
  store: JobStore;
  gpus: Gpus;
  hub: EventHub;
  log: Logger;
  version: string;
  /** whether this daemon schedules, and which pid does otherwise */
  lease: () => { leader: boolean; holder: number | null };
  /** the daemon's pane ($TMUX_PANE); none: not running in tmux, nothing to draw */
  pane: string | undefined;
}

/** Redraws at most this often; a burst of events is one redraw. */
const MIN_INTERVAL_MS = 250;
/** and at least this often (a GPU taken by a program outside gflow is no event) */
const SAFETY_MS = 30_000;

export function startStatusLine(o: StatusLineOptions): () => void {
  const pane = o.pane;
  if (!pane) return () => {};
  let timer: NodeJS.Timeout | null = null;
  let drawing = false;
  let closed = false;
  const draw = async (): Promise<void> => {
    timer = null;
    if (closed || drawing || !o.store.db.open) return;
    drawing = true;
    try {
      // User names and job ids only, but the status line is root's screen too: no control characters.
      const [left, right] = statusTexts(o).map(escapeControl) as [string, string];
      await setStatusLine(pane, left, right);
    } catch (err) {
      o.log.warn(`status line: ${(err as Error).message}`);
    } finally {
      drawing = false;
    }
  };
  const soon = (): void => {
    if (timer === null && !closed) timer = setTimeout(() => void draw(), MIN_INTERVAL_MS);
  };
  const remove = o.hub.add({ deliver: soon, close: () => {} });
  const safety = setInterval(soon, SAFETY_MS);
  safety.unref();
  void draw();
  return () => {
    closed = true;
    remove();
    clearInterval(safety);
    if (timer) clearTimeout(timer);
  };
}

/** The two texts: left `gflow <version>`, right the jobs, GPUs and lease. */
export function statusTexts(o: Pick<StatusLineOptions, 'store' | 'gpus' | 'version' | 'lease'>): [string, string] {
  const counts = o.store.countsByState(ACTIVE_STATES);
  const running = o.store.slimByState('running');
  const parts = [`R ${counts.get('running') ?? 0}`, `PD ${counts.get('queued') ?? 0}`];
  const held = counts.get('hold') ?? 0;
  if (held > 0) parts.push(`H ${held}`);
  const gpus = o.gpus.describe(running);
  if (gpus.length > 0) {
    parts.push(
      gpus
        .map((g) => {
          const who = g.holders.map((h) => `${h.user}#${h.job}`).join(',');
          return `GPU${g.index} ${who || (g.foreign.length > 0 ? 'busy' : g.allowed ? 'free' : 'off')}`;
        })
        .join(' '),
    );
  }
  const lease = o.lease();
  parts.push(lease.leader ? 'scheduling' : `standby (pid ${lease.holder ?? '?'} schedules)`);
  return [` gflow ${o.version} `, `${parts.join(' · ')} `];
}
