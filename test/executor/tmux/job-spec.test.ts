import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { renderSpec, scriptArgv } from '../../../src/executor/tmux/job-spec.js';
import { jobSessionName } from '../../../src/executor/tmux/session-name.js';
import { parseStatus } from '../../../src/executor/tmux/status-file.js';

describe('job spec', () => {
  it('passes hostile values through bash untouched', () => {
    const nasty = ["a'b", '$(touch /tmp/pwned)', '`id`', '"q"', 'line1\nline2', '#{session_name}', '-rf', ';', ''];
    const spec = renderSpec({ env: { NASTY: nasty.join('|'), 'BAD-NAME': 'x', TERM: 'dumb' }, cwd: os.tmpdir(), argv: ['printf', '%s\\0', ...nasty] });
    assert.match(spec, /^set -- '\/usr\/bin\/env' 'BAD-NAME=x' 'printf'/m, 'names bash cannot export go through env(1)');
    assert.ok(!spec.includes('TERM='), "the pane's TERM is kept");
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gflow-spec-')), 'spec.sh');
    fs.writeFileSync(file, spec);
    const out = execFileSync('/bin/bash', ['-c', `. "$0"; "$@"; printf '%s' "$NASTY"`, file]);
    fs.rmSync(path.dirname(file), { recursive: true });
    const parts = out.toString().split('\0');
    assert.deepEqual(parts.slice(0, nasty.length), nasty);
    assert.equal(parts[nasty.length], nasty.join('|'));
  });

  it('runs scripts through their #! line, or bash', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gflow-spec-'));
    try {
      const py = path.join(dir, 'a.py');
      fs.writeFileSync(py, '#!/usr/bin/env python3\nprint(1)\n');
      assert.deepEqual(scriptArgv(py), ['/usr/bin/env', 'python3', py]);
      const sh = path.join(dir, 'b.sh');
      fs.writeFileSync(sh, 'echo hi\n');
      assert.deepEqual(scriptArgv(sh), ['/bin/bash', sh]);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });

  it('makes safe session names', () => {
    assert.equal(jobSessionName(3, null), 'gjob-3');
    assert.equal(jobSessionName(3, 'my job: v1.2'), 'gjob-3-my_job_v1_2');
    assert.equal(jobSessionName(3, '-$(rm)'), 'gjob-3-rm');
    assert.equal(jobSessionName(3, '...'), 'gjob-3');
  });

  it('reads exit statuses and signals', () => {
    assert.deepEqual(parseStatus('0\n'), { exitCode: 0, signal: null });
    assert.deepEqual(parseStatus('137\n'), { exitCode: 137, signal: 'SIGKILL' });
    assert.equal(parseStatus('garbage'), undefined);
  });
});
