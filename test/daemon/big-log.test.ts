// `gflow log` on a log of hundreds of megabytes: every way of reading it stays in bounded
// memory, and --raw gives the bytes back unchanged.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { END_MARK } from '../../src/executor/tmux/wrapper.js';
import { ROOT, Sandbox, useSandbox } from '../helpers/sandbox.js';

const MB = 1024 * 1024;
const RSS_LIMIT_MB = 200;

// Runs the CLI in a process that reports its peak memory (maxRSS, in KiB) on stderr at exit.
async function measured(sb: Sandbox, args: string[], stdoutFile: string): Promise<{ code: number; rssMb: number; stderr: string }> {
  const wrapper = path.join(sb.dir, 'rss.mjs');
  fs.writeFileSync(wrapper, [
    "process.on('exit', () => process.stderr.write(`\\nmaxrss=${process.resourceUsage().maxRSS}\\n`));",
    `const { main } = await import(${JSON.stringify(path.join(ROOT, 'dist/src/cli/gflow.js'))});`,
    "await main([process.argv[0], 'gflow', ...process.argv.slice(2)]);",
  ].join('\n'));
  const out = fs.openSync(stdoutFile, 'w');
  // The heap is capped: a reader that held the log would run out of memory, whatever the Node
  // version's garbage collector does. Left to itself, Node 24 grows its young generation to
  // ~200 MB while 200 MB stream through (Node 20: a few MB), which says nothing of the reader.
  const child = spawn(process.execPath, ['--max-old-space-size=64', '--max-semi-space-size=2', wrapper, ...args], { env: sb.env, stdio: ['ignore', out, 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  fs.closeSync(out);
  const m = /maxrss=(\d+)/.exec(stderr);
  assert.ok(m, stderr);
  return { code, rssMb: Number(m[1]) / 1024, stderr };
}

// A log of `lines` numbered, coloured lines, with a progress bar every 1000th, ended like the wrapper ends it.
function writeBigLog(file: string, lines: number): void {
  const fd = fs.openSync(file, 'w');
  let block = '';
  for (let i = 0; i < lines; i++) {
    block += i % 1000 === 999 ? ` 10%\r 50%\r100% bar ${i}\r\n` : `row ${i} \x1b[32mok\x1b[0m ${'x'.repeat(40)}\n`;
    if (block.length > MB) {
      fs.writeSync(fd, block);
      block = '';
    }
  }
  fs.writeSync(fd, block + END_MARK);
  fs.closeSync(fd);
}

describe('gflow log on a large log', () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s));
  const LINES = 3_500_000; // about 200 MB

  it('shows the first and last lines and streams the whole log in bounded memory', async () => {
    const id = await sb.submit('--', 'true');
    const { logPath } = await sb.waitEnded(id);
    writeBigLog(logPath, LINES);
    assert.ok(fs.statSync(logPath).size > 190 * MB);
    const out = path.join(sb.dir, 'out');
    const read = (): string => fs.readFileSync(out, 'utf8');
    const x = 'x'.repeat(40);

    const last = await measured(sb, ['log', '--last', '3', String(id)], out);
    assert.equal(last.code, 0, last.stderr);
    assert.equal(read(), `row ${LINES - 3} ok ${x}\nrow ${LINES - 2} ok ${x}\n100% bar ${LINES - 1}\n`);
    assert.ok(last.rssMb < RSS_LIMIT_MB, `--last used ${last.rssMb} MB`);

    const first = await measured(sb, ['log', '--first', '1', String(id)], out);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(read(), `row 0 ok ${x}\n`);
    assert.ok(first.rssMb < RSS_LIMIT_MB, `--first used ${first.rssMb} MB`);

    const all = await measured(sb, ['log', String(id)], out);
    assert.equal(all.code, 0, all.stderr);
    const rowBytes = `row 0 ok ${x}\n`.length;
    const size = fs.statSync(out).size;
    assert.ok(size > LINES * (rowBytes - 1), `only ${size} bytes rendered`);
    const fd = fs.openSync(out, 'r');
    const tail = Buffer.alloc(200);
    fs.readSync(fd, tail, 0, 200, size - 200);
    fs.closeSync(fd);
    assert.ok(tail.toString().endsWith(`\nrow ${LINES - 2} ok ${x}\n100% bar ${LINES - 1}\n`), tail.toString());
    assert.ok(all.rssMb < RSS_LIMIT_MB, `gflow log used ${all.rssMb} MB`);
  });

  it('gives the bytes back unchanged with --raw, less the end mark', async () => {
    const id = await sb.submit('--', 'true');
    const { logPath } = await sb.waitEnded(id);
    const bytes = Buffer.from([0xff, 0xfe, 0x61, 0xc3, 0x0a, 0x80, 0xe2, 0x82, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x0d, 0x0a, 0xc3, 0xa9, 0x0a]);
    fs.writeFileSync(logPath, Buffer.concat([bytes, Buffer.from(END_MARK, 'latin1')]));
    const out = path.join(sb.dir, 'raw');
    const r = await measured(sb, ['log', '--raw', String(id)], out);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fs.readFileSync(out), bytes);
    await measured(sb, ['log', '--raw', '--last', '1', String(id)], out);
    assert.deepEqual(fs.readFileSync(out), Buffer.from([0xc3, 0xa9, 0x0a]));
  });
});
