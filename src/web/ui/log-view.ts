// A job's log as its terminal showed it (xterm.js: colours, progress bars redrawn in place),
// followed live: the daemon sends the bytes the tmux pane printed as they come. When the answer
// ends while the job still runs (a `gflowd reload`), it asks again from the byte it reached.
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { ROUTES } from '../../protocol/api.js';
import { ACTIVE_STATES, type Job } from '../../protocol/job.js';
import { LOG_START_HEADER } from '../../protocol/web.js';
import { get } from './api.js';
import { installCspStyleShims } from './csp-styles.js';

const TAIL_LINES = 5000;

// ANSI colours that read well on each background (xterm's defaults are dim on dark, pale on light).
const ANSI_LIGHT = { black: '#1d2330', red: '#c0262d', green: '#1a7f37', yellow: '#9a6700', blue: '#0b5cd5', magenta: '#8250df', cyan: '#0e7490', white: '#6e7781', brightBlack: '#57606a', brightRed: '#d1242f', brightGreen: '#2da44e', brightYellow: '#bf8700', brightBlue: '#218bff', brightMagenta: '#a475f9', brightCyan: '#0891b2', brightWhite: '#8c959f' };
const ANSI_DARK = { black: '#484f58', red: '#ff7b72', green: '#56d364', yellow: '#e3b341', blue: '#79c0ff', magenta: '#d2a8ff', cyan: '#56d4dd', white: '#d8dce6', brightBlack: '#6e7681', brightRed: '#ffa198', brightGreen: '#7ee787', brightYellow: '#f2cc60', brightBlue: '#a5d6ff', brightMagenta: '#e2c5ff', brightCyan: '#87e5ec', brightWhite: '#ffffff' };

function themeFromCss(): Record<string, string> {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string): string => css.getPropertyValue(name).trim();
  const dark = window.matchMedia('(prefers-color-scheme: dark)').matches;
  return { ...(dark ? ANSI_DARK : ANSI_LIGHT), background: v('--term-bg'), foreground: v('--term-fg'), cursor: v('--term-bg'), selectionBackground: v('--term-sel') };
}

export class LogView {
  private readonly term: Terminal;
  private readonly fit = new FitAddon();
  private readonly abort = new AbortController();
  private readonly resize = new ResizeObserver(() => this.fitNow());
  private readonly dark = window.matchMedia('(prefers-color-scheme: dark)');
  private readonly onScheme = (): void => {
    this.term.options.theme = themeFromCss();
  };
  private offset: number | undefined;
  private received = 0;
  closed = false;

  constructor(
    private readonly host: HTMLElement,
    private readonly jobId: number,
    private readonly onStatus: (text: string) => void,
  ) {
    installCspStyleShims();
    this.term = new Terminal({
      disableStdin: true,
      convertEol: false,
      scrollback: 20_000,
      fontFamily: 'ui-monospace, "Cascadia Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace',
      fontSize: 13,
      theme: themeFromCss(),
      cursorInactiveStyle: 'none',
    });
    this.term.loadAddon(this.fit);
    this.term.open(host);
    this.fitNow();
    this.resize.observe(host);
    this.dark.addEventListener('change', this.onScheme);
    void this.follow();
  }

  /** What the terminal shows, as text (for tests and copy). */
  text(): string {
    const b = this.term.buffer.active;
    const out: string[] = [];
    for (let i = 0; i < b.length; i++) out.push(b.getLine(i)?.translateToString(true) ?? '');
    return out.join('\n');
  }

  private fitNow(): void {
    try {
      this.fit.fit();
    } catch {
      // not laid out yet
    }
  }

  private async follow(): Promise<void> {
    let wait = 300;
    while (!this.closed) {
      const q = this.offset === undefined ? `tail=${TAIL_LINES}` : `offset=${this.offset}`;
      try {
        const res = await fetch(`${ROUTES.jobLog(this.jobId)}?${q}&follow=1`, { credentials: 'same-origin', cache: 'no-store', signal: this.abort.signal });
        if (!res.ok || !res.body) {
          const body = (await res.json().catch(() => ({}))) as { message?: string; hint?: string };
          this.onStatus(body.message ? `${body.message}${body.hint ? ` — ${body.hint}` : ''}` : `the daemon answered ${res.status}`);
          if (res.status === 403 || res.status === 404 || res.status === 401) return;
        } else {
          const start = Number(res.headers.get(LOG_START_HEADER) ?? 0);
          if (this.offset !== undefined && start !== this.offset) {
            this.term.reset(); // a new log (the job was requeued): show it from its start
          }
          this.offset = start;
          this.onStatus('following');
          const reader = res.body.getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            this.offset += value.length;
            this.received += value.length;
            this.term.write(value);
            wait = 300;
          }
        }
        const { job } = await get<{ job: Job }>(ROUTES.job(this.jobId));
        if (!ACTIVE_STATES.includes(job.state)) {
          this.onStatus(this.received === 0 && !job.startedAt ? 'no output: the job never started' : 'the job has ended');
          return;
        }
      } catch (err) {
        if (this.closed) return;
        this.onStatus('reconnecting…');
        void err;
      }
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(wait * 2, 5000);
    }
  }

  dispose(): void {
    this.closed = true;
    this.abort.abort();
    this.resize.disconnect();
    this.dark.removeEventListener('change', this.onScheme);
    this.term.dispose();
    this.host.replaceChildren();
  }
}
