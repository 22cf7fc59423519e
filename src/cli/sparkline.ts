// A one-line chart of counts with block characters, fitted to a width by adding up neighbours.
const BLOCKS = '▁▂▃▄▅▆▇█';

/** `counts` merged into at most `width` cells; an empty cell (no count) is a space. */
export function sparkline(counts: readonly number[], width: number): { line: string; perCell: number; max: number } {
  const perCell = Math.max(1, Math.ceil(counts.length / Math.max(1, width)));
  const cells: number[] = [];
  for (let i = 0; i < counts.length; i += perCell) cells.push(counts.slice(i, i + perCell).reduce((a, b) => a + b, 0));
  const max = Math.max(0, ...cells);
  const line = cells.map((c) => (c === 0 ? ' ' : BLOCKS[Math.min(BLOCKS.length - 1, Math.floor(((c - 1) / Math.max(1, max)) * BLOCKS.length))])).join('');
  return { line, perCell, max };
}
