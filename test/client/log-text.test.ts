import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderLog, selectLines, stripAnsi } from '../../src/client/log-text.js';

describe('log rendering', () => {
  it('removes colours and terminal titles', () => {
    assert.equal(stripAnsi('\x1b[1;31mred\x1b[0m \x1b]0;title\x07done'), 'red done');
  });

  it('reduces carriage-return progress bars to their last state', () => {
    assert.equal(renderLog(' 10%\r 50%\r100%\r\ndone\r\n'), '100%\ndone\n');
    assert.equal(renderLog('abc\rX\n'), 'Xbc\n');
  });

  it('selects the first or last lines', () => {
    assert.equal(selectLines('a\nb\nc\n', 2), 'a\nb\n');
    assert.equal(selectLines('a\nb\nc\n', undefined, 1), 'c\n');
  });
});
