import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { bootId, descendantsOf, isAlive, ofEarlierBoot, parseStat, processFate, readStat, signallableBy } from '../../src/executor/proc.js';

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

  it('knows a process by its pid and start time, and who may signal it', async () => {
    const child = spawn('sleep', ['30']);
    await new Promise((r) => child.once('spawn', r));
    const pid = child.pid!;
    const me = process.getuid!();
    const id = { pid, startTime: readStat(pid)!.startTime };
    try {
      assert.equal(processFate(id, me), 'same');
      assert.equal(processFate({ ...id, bootId: bootId() }, me), 'same');
      // Found in an earlier boot: whatever has the pid and start time now is not it.
      assert.equal(processFate({ ...id, bootId: 'another-boot' }, me), 'gone');
      // Another start time: another process with the same pid.
      assert.equal(processFate({ pid, startTime: String(Number(id.startTime) + 1) }, me), 'replaced');
      assert.ok(signallableBy(pid, me));
      if (me === 0) {
        // Root may signal anything; a plain user only its own processes.
        assert.ok(signallableBy(pid, 0));
        assert.equal(signallableBy(pid, 65534), false);
        assert.equal(processFate(id, 65534), 'replaced');
      }
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    assert.equal(processFate(id, me), 'gone');
    assert.equal(signallableBy(pid, 65534), false);
  });

  it("reads the kernel's boot id, and tells an earlier boot's from this one's", () => {
    assert.match(bootId() ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(ofEarlierBoot(bootId()), false);
    assert.equal(ofEarlierBoot(null), false);
    assert.equal(ofEarlierBoot('another-boot'), true);
  });
});
