// A persistent tmux control-mode client (`tmux -C`): the daemon sends its tmux commands over
// one pipe instead of starting a tmux process (and forking itself) for each. Every command's
// answer comes back between `%begin … 1` and `%end … 1` (or `%error … 1`), in order; lines
// outside those blocks are notifications, and ignored.

/** What a tmux command answered (by the control client or a tmux process). */
export interface TmuxResult {
  code: number;
  stdout: string;
  stderr: string;
}
import { spawn, type ChildProcess } from 'node:child_process';

/** How long a detaching client is given before it is killed. */
const CLOSE_WAIT_MS = 1000;

interface Pending {
  blocks: number;
  out: string[];
  err: string[];
  failed: boolean;
  resolve: (r: TmuxResult) => void;
}

// tmux's command parser: single quotes take everything literally except a single quote.
function quote(arg: string): string {
  return `'${arg.replace(/'/g, `'"'"'`)}'`;
}

export class TmuxControl {
  private readonly pending: Pending[] = [];
  private buffer = '';
  private block: string[] | null = null;
  private dead = false;

  private constructor(private readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => this.onData(chunk));
    child.on('exit', () => this.fail('tmux control client exited'));
    child.on('error', (err) => this.fail(err.message));
    child.stdin!.on('error', () => this.fail('tmux control client closed'));
  }

  /** Attaches a control client to `target` (a session or pane) without taking part in its size or output. */
  static start(tmuxArgs: string[], target: string, env: NodeJS.ProcessEnv): TmuxControl {
    const child = spawn('tmux', [...tmuxArgs, '-C', 'attach-session', '-t', target, '-f', 'no-output,ignore-size'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
    return new TmuxControl(child);
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** Runs a command list (`;` tokens separate commands); undefined if it cannot go this way. */
  run(args: string[]): Promise<TmuxResult> | undefined {
    if (this.dead || args.some((a) => a.includes('\n') || a.includes('\r'))) return undefined;
    const blocks = args.filter((a) => a === ';').length + 1;
    const line = args.map((a) => (a === ';' ? ';' : quote(a))).join(' ');
    return new Promise((resolve) => {
      this.pending.push({ blocks, out: [], err: [], failed: false, resolve });
      this.child.stdin!.write(`${line}\n`);
    });
  }

  /**
   * Detaches: the client leaves on the end of its input and the server drops it in its own time.
   * Waited for, because tmux 3.3's server can crash when a session closes while a control client
   * is half gone (a reload kills the old daemon's session right after that daemon exits).
   */
  async close(): Promise<void> {
    this.dead = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill(), CLOSE_WAIT_MS);
    await exited;
    clearTimeout(timer);
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      this.onLine(line);
    }
  }

  private onLine(line: string): void {
    const guard = /^%(begin|end|error) \d+ \d+ (\d+)$/.exec(line);
    if (guard && guard[2] === '1') {
      if (guard[1] === 'begin') {
        this.block = [];
        return;
      }
      const head = this.pending[0];
      const text = (this.block ?? []).map((l) => `${l}\n`).join('');
      this.block = null;
      if (!head) return;
      if (guard[1] === 'error') {
        head.failed = true;
        head.err.push(text);
      } else {
        head.out.push(text);
      }
      if (--head.blocks === 0) {
        this.pending.shift();
        head.resolve({ code: head.failed ? 1 : 0, stdout: head.out.join(''), stderr: head.err.join('') });
      }
      return;
    }
    if (this.block) this.block.push(line);
  }

  private fail(message: string): void {
    if (this.dead && this.pending.length === 0) return;
    this.dead = true;
    for (const p of this.pending.splice(0)) p.resolve({ code: 1, stdout: '', stderr: message });
  }
}
