import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { descendantsOf, isAlive, parseStat, readStat } from '../../src/executor/proc.js';

describe('/proc parsing', () => {
  it('parses stat lines whose comm holds spaces and parentheses', () => {
    const tail = '0 -1 4194560 1 0 0 0 2 3 0 0 20 0 1 0 987654 100 200';
    const s = parseStat(`4242 (my (weird) prog) S 17 4242 4242 ${tail}`);
    assert.deepEqual(s, { pid: 4242, comm: 'my (weird) prog', state: 'S', ppid: 17, pgrp: 4242, session: 4242, startTime: '987654' });
    assert.equal(parseStat('12 ()) R 1 12 12')?.comm, ')');
    assert.equal(parseStat('garbage'), undefined);
  });

  it('reads this process and finds a child among its descendants', async () => {
    assert.equal(readStat(process.pid)?.pid, process.pid);
    const child = spawn('sleep', ['30']);
    try {
      await new Promise((r) => child.once('spawn', r));
      assert.ok(descendantsOf(process.pid).some((p) => p.pid === child.pid));
      assert.ok(isAlive(child.pid!));
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    assert.equal(isAlive(child.pid!), false);
  });
});
