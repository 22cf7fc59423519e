// The daemon's log writes what users typed as visible text: control characters escaped, and a
// message's later lines indented so that none passes for an entry of its own.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import { escapeControl } from '../../src/core/control-chars.js';
import { Logger } from '../../src/daemon/logger.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gflow-logger-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the daemon log and control characters', () => {
  it('escapes C0 but the newline, DEL and C1; leaves other text as it is', () => {
    assert.equal(escapeControl('a\x1b[2Jb\rc\td\x00e\x7ff\u0085g\u009bh\nи日'), String.raw`a\x1b[2Jb\x0dc\x09d\x00e\x7ff\x85g\x9bh` + '\nи日');
  });

  it('writes a message on lines of its own: later lines indented, in the file and on the pane', () => {
    const out = new PassThrough();
    let pane = '';
    out.on('data', (d: Buffer) => (pane += d.toString()));
    const file = path.join(dir, 'gflowd.log');
    const log = new Logger({ file, out });
    log.event('job 7 submitted: echo x\n12:00:00 EVENT job 8 cancelled\x1b]0;t\x07');
    log.close();
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    assert.match(lines[0]!, /^\S+ \S+ EVENT job 7 submitted: echo x$/);
    assert.equal(lines[1], String.raw`    | 12:00:00 EVENT job 8 cancelled\x1b]0;t\x07`);
    assert.ok(pane.includes(String.raw`    | 12:00:00 EVENT job 8 cancelled\x1b]0;t\x07`), pane);
  });
});
