// A plain text table: a bold header and columns padded to their widest cell; columns marked
// in `right` (numbers) are right-aligned.
import chalk from 'chalk';

export function table(header: string[], rows: string[][], right: readonly boolean[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => (right[i] ? c.padStart(widths[i]!) : i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return `${[chalk.bold(fmt(header)), ...rows.map(fmt)].join('\n')}\n`;
}
