import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { endingOf, REBOOT_REASON, type Outcome } from '../../src/core/end-state.js';

const exited = (exitCode: number, signal: string | null = null): Outcome => ({ exit: { exitCode, signal }, serverLost: false });
const lost: Outcome = { exit: null, serverLost: false };
const natural = { stopRequest: null, escalated: false };

describe('endingOf', () => {
  it('turns exit statuses into end states', () => {
    assert.deepEqual(endingOf(natural, exited(0)), { state: 'finished', reason: null, exitCode: 0, signal: null, endedBy: 'natural' });
    assert.deepEqual(endingOf(natural, exited(3)), { state: 'failed', reason: 'exit code 3', exitCode: 3, signal: null, endedBy: 'natural' });
    assert.deepEqual(endingOf(natural, exited(137, 'SIGKILL')), { state: 'failed', reason: 'killed by SIGKILL', exitCode: 137, signal: 'SIGKILL', endedBy: 'natural' });
  });

  it('says how a stopped job ended: soft within the grace period, hard after SIGKILL', () => {
    assert.deepEqual(endingOf({ stopRequest: 'cancel', escalated: false }, exited(143, 'SIGTERM')), { state: 'cancelled', reason: 'cancelled by user', exitCode: 143, signal: 'SIGTERM', endedBy: 'soft' });
    assert.deepEqual(endingOf({ stopRequest: 'timeout', escalated: true }, exited(137, 'SIGKILL')), { state: 'timeout', reason: 'time limit reached', exitCode: 137, signal: 'SIGKILL', endedBy: 'hard' });
    // A stopped job whose wrapper was killed too leaves no status: SIGKILL did it.
    assert.deepEqual(endingOf({ stopRequest: 'cancel', escalated: true }, lost), { state: 'cancelled', reason: 'cancelled by user', exitCode: null, signal: 'SIGKILL', endedBy: 'hard' });
  });

  it('tells a lost job from a lost tmux server', () => {
    assert.deepEqual(endingOf(natural, lost), { state: 'failed', reason: 'lost', exitCode: null, signal: null, endedBy: null });
    assert.deepEqual(endingOf(natural, { exit: null, serverLost: true }), { state: 'failed', reason: 'tmux server lost', exitCode: null, signal: null, endedBy: null });
    assert.deepEqual(endingOf(natural, { exit: { exitCode: 129, signal: 'SIGHUP' }, serverLost: true }), { state: 'failed', reason: 'tmux server lost', exitCode: 129, signal: 'SIGHUP', endedBy: 'natural' });
  });

  it('says a job of an earlier boot was ended by the reboot, unless it exited on its own first', () => {
    const rebooted = (o: Outcome): Outcome => ({ ...o, rebooted: true });
    assert.deepEqual(endingOf(natural, rebooted(lost)), { state: 'failed', reason: REBOOT_REASON, exitCode: null, signal: null, endedBy: null });
    // Killed on the way down (the wrapper wrote the status): the reboot still.
    assert.deepEqual(endingOf(natural, rebooted({ exit: { exitCode: 143, signal: 'SIGTERM' }, serverLost: true })), { state: 'failed', reason: REBOOT_REASON, exitCode: 143, signal: 'SIGTERM', endedBy: null });
    assert.deepEqual(endingOf(natural, rebooted(exited(0))), { state: 'finished', reason: null, exitCode: 0, signal: null, endedBy: 'natural' });
    assert.deepEqual(endingOf(natural, rebooted(exited(2))).reason, 'exit code 2');
    assert.equal(endingOf({ stopRequest: 'cancel', escalated: false }, rebooted(lost)).reason, 'cancelled by user');
  });
});
