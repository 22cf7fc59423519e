// The log read in blocks renders as the whole log would: whatever a block boundary cuts (a
// line, a multi-byte character, an escape sequence, the wrapper's end mark) carries over.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LogRenderer, renderLog } from '../../src/client/log-text.js';
import { RawFilter } from '../../src/client/log-read.js';
import { END_MARK } from '../../src/executor/tmux/wrapper.js';

const SAMPLE = Buffer.concat([
  Buffer.from('héllo \x1b[1;31mwörld\x1b[0m 😀\n 10%\r 50%\r100%\r\n\x1b]0;title\x07abc\rX\nlast'),
  Buffer.from(END_MARK, 'latin1'),
]);

function inPieces(data: Buffer, cut: number): Buffer[] {
  return [data.subarray(0, cut), data.subarray(cut)];
}

describe('log read in blocks', () => {
  it('renders the same at every cut', () => {
    const whole = 'héllo wörld 😀\n100%\nXbc\nlast';
    assert.equal(renderLog(SAMPLE.toString('utf8')), whole);
    for (let cut = 0; cut <= SAMPLE.length; cut++) {
      const r = new LogRenderer();
      const out = inPieces(SAMPLE, cut).map((p) => r.write(p)).join('') + r.end();
      assert.equal(out, whole, `cut at ${cut}`);
    }
  });

  it('holds a partial line until its end, and renders one endless line in pieces', () => {
    const r = new LogRenderer();
    assert.equal(r.write(Buffer.from('50%\r')), '');
    assert.equal(r.write(Buffer.from('100%\nnext')), '100%\n');
    assert.equal(r.end(), 'next');
    const bar = new LogRenderer();
    let held = 0;
    for (let i = 0; i < 100_000; i++) held += bar.write(Buffer.from(`\r${String(i).padStart(60, ' ')}`)).length;
    // Six million characters of redraws never pile up: only the bar's last state is output.
    assert.equal(held, 0);
    assert.equal(bar.end(), String(99_999).padStart(60, ' '));
  });

  it('gives raw bytes back unchanged, less the end mark, at every cut', () => {
    const bytes = Buffer.from([0xff, 0x0a, 0xc3, 0x1b, 0x5d, 0x80, 0x0a]);
    const log = Buffer.concat([bytes, Buffer.from(END_MARK, 'latin1')]);
    for (let cut = 0; cut <= log.length; cut++) {
      const f = new RawFilter();
      const out = Buffer.concat([...inPieces(log, cut).map((p) => f.write(p)), f.end()]);
      assert.deepEqual(out, bytes, `cut at ${cut}`);
    }
  });
});
