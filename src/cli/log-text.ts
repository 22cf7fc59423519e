// Makes a terminal log readable: removes ANSI escape sequences and replays carriage
// returns the way a terminal would, so a progress bar shows only its last state.

// CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), and two-character escapes.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|\x1b[()][0-9A-Za-z]/g;

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
  return stripAnsi(text)
    .replace(/\r+\n/g, '\n')
    .split('\n')
    .map(replayCarriageReturns)
    .join('\n');
}

export function selectLines(text: string, first?: number, last?: number): string {
  if (first === undefined && last === undefined) return text;
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const picked = first !== undefined ? lines.slice(0, first) : lines.slice(-last!);
  return picked.length ? `${picked.join('\n')}\n` : '';
}
