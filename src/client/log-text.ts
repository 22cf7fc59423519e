// Makes a terminal log readable: removes ANSI escape sequences and replays carriage
// returns the way a terminal would, so a progress bar shows only its last state.
// `LogRenderer` does the same over a log read in chunks, in bounded memory.
import { StringDecoder } from 'node:string_decoder';

// CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), and two-character escapes.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|\x1b[()][0-9A-Za-z]/g;
const ANSI_AT = new RegExp(ANSI.source, 'y');
const OSC_AT = /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/y;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

// "50%\r100%" → "100%"; "abc\rX" → "Xbc", as the terminal shows it.
export function replayCarriageReturns(line: string): string {
  if (!line.includes('\r') && !line.includes('\b')) return line;
  const cells: string[] = [];
  let col = 0;
  for (const ch of line) {
    if (ch === '\r') col = 0;
    else if (ch === '\b') col = Math.max(0, col - 1);
    else cells[col++] = ch;
  }
  return cells.join('');
}

export function renderLog(text: string): string {
  const r = new LogRenderer();
  return r.write(Buffer.from(text, 'utf8')) + r.end();
}

// An escape sequence cut by a chunk's end is kept for the next chunk, up to this length
// (longer is not an escape sequence a terminal would wait for).
const MAX_ESCAPE = 4096;
// A line is held until its end so its carriage returns can be replayed; beyond this size it
// is first compacted (what precedes its last \r replayed), and if still longer written in
// pieces, so a log that is one endless line still renders in bounded memory.
const MAX_LINE = 1 << 20;

/** Renders a log chunk by chunk: partial lines, escape sequences and characters carry over. */
export class LogRenderer {
  private readonly decoder = new StringDecoder('utf8');
  private escape = '';
  private line = '';

  /** The rendered complete lines the chunk finishes (a partial line waits for its end). */
  write(chunk: Buffer): string {
    return this.take(this.decoder.write(chunk), false);
  }

  /** Everything still held: the last line even without its newline. */
  end(): string {
    return this.take(this.decoder.end(), true);
  }

  private take(decoded: string, final: boolean): string {
    let text = this.escape + decoded;
    this.escape = '';
    const esc = text.lastIndexOf('\x1b');
    // A line's end ends any sequence a terminal would wait for: the line is not held back.
    if (!final && esc >= 0 && text.length - esc < MAX_ESCAPE && !text.includes('\n', esc)) {
      // An OSC cut before its terminator would pass for the two-character escape ESC ].
      const seq = text[esc + 1] === ']' ? OSC_AT : ANSI_AT;
      seq.lastIndex = esc;
      if (!seq.test(text)) {
        this.escape = text.slice(esc);
        text = text.slice(0, esc);
      }
    }
    const lines = stripAnsi(text).split('\n');
    const out: string[] = [];
    this.line += lines[0]!;
    for (let i = 1; i < lines.length; i++) {
      out.push(`${replayCarriageReturns(this.line)}\n`);
      this.line = lines[i]!;
    }
    if (final) {
      if (this.line) out.push(replayCarriageReturns(this.line));
      this.line = '';
    } else if (this.line.length > MAX_LINE) {
      const cr = this.line.lastIndexOf('\r');
      if (cr > 0) this.line = `${replayCarriageReturns(this.line.slice(0, cr))}${this.line.slice(cr)}`;
      if (this.line.length > MAX_LINE) {
        out.push(replayCarriageReturns(this.line));
        this.line = '';
      }
    }
    return out.join('');
  }
}

export function selectLines(text: string, first?: number, last?: number): string {
  if (first === undefined && last === undefined) return text;
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const picked = first !== undefined ? lines.slice(0, first) : lines.slice(-last!);
  return picked.length ? `${picked.join('\n')}\n` : '';
}
