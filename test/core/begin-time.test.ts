import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GflowError } from '../../src/protocol/errors.js';
import { parseBeginTime } from '../../src/core/begin-time.js';

// 2025-03-14 10:30:15.500 local time, whatever the machine's zone.
const now = new Date(2025, 2, 14, 10, 30, 15, 500);
const local = (...a: [number, number, number, number?, number?, number?]): number =>
  new Date(a[0], a[1], a[2], a[3] ?? 0, a[4] ?? 0, a[5] ?? 0).getTime();

function usage(pattern: RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof GflowError, 'expected a GflowError');
    assert.equal(err.code, 'usage');
    assert.match(err.message, pattern);
    assert.match(err.hint ?? '', /HH:MM/);
    return true;
  };
}

describe('parseBeginTime', () => {
  it('reads now and now+offset', () => {
    const t = now.getTime();
    assert.equal(parseBeginTime('now', now), t);
    assert.equal(parseBeginTime(' now ', now), t);
    assert.equal(parseBeginTime('now+30s', now), t + 30_000);
    assert.equal(parseBeginTime('now+30', now), t + 30_000);
    assert.equal(parseBeginTime('now+0', now), t);
    assert.equal(parseBeginTime('now+30m', now), t + 30 * 60_000);
    assert.equal(parseBeginTime('now+2h', now), t + 2 * 3_600_000);
    assert.equal(parseBeginTime('now+1d', now), t + 86_400_000);
  });

  it('reads HH:MM and HH:MM:SS as today when still ahead', () => {
    assert.equal(parseBeginTime('11:00', now), local(2025, 2, 14, 11, 0));
    assert.equal(parseBeginTime('23:59:59', now), local(2025, 2, 14, 23, 59, 59));
    assert.equal(parseBeginTime('10:30:16', now), local(2025, 2, 14, 10, 30, 16));
    const exactlyNow = new Date(2025, 2, 14, 10, 30, 0);
    assert.equal(parseBeginTime('10:30', exactlyNow), exactlyNow.getTime());
  });

  it('reads HH:MM as tomorrow when that time has passed today', () => {
    assert.equal(parseBeginTime('09:00', now), local(2025, 2, 15, 9, 0));
    assert.equal(parseBeginTime('0:00', now), local(2025, 2, 15, 0, 0));
    assert.equal(parseBeginTime('10:30:15', now), local(2025, 2, 15, 10, 30, 15));
    // across a month and a year end
    assert.equal(parseBeginTime('08:00', new Date(2025, 11, 31, 9, 0)), local(2026, 0, 1, 8, 0));
  });

  it('reads dates as local midnight and date-times as local time', () => {
    assert.equal(parseBeginTime('2025-04-01', now), local(2025, 3, 1));
    assert.equal(parseBeginTime('2024-02-29', now), local(2024, 1, 29));
    assert.equal(parseBeginTime('2025-04-01T08:15', now), local(2025, 3, 1, 8, 15));
    assert.equal(parseBeginTime('2025-04-01T08:15:30', now), local(2025, 3, 1, 8, 15, 30));
    assert.equal(parseBeginTime('2025-04-01 08:15', now), local(2025, 3, 1, 8, 15));
    assert.equal(parseBeginTime('2025-04-01 23:59:59', now), local(2025, 3, 1, 23, 59, 59));
    // a past date is returned as is; deciding what that means is the caller's job
    assert.equal(parseBeginTime('2020-01-01', now), local(2020, 0, 1));
  });

  it('does not read two-digit-era years as 19xx', () => {
    const d = new Date(parseBeginTime('0050-06-01', now));
    assert.equal(d.getFullYear(), 50);
    assert.equal(d.getMonth(), 5);
    assert.equal(d.getDate(), 1);
    assert.equal(d.getHours(), 0);
  });

  it('refuses out-of-range fields', () => {
    assert.throws(() => parseBeginTime('24:00', now), usage(/hour must be 0-23/));
    assert.throws(() => parseBeginTime('12:60', now), usage(/minutes must be 00-59/));
    assert.throws(() => parseBeginTime('12:00:60', now), usage(/seconds must be 00-59/));
    assert.throws(() => parseBeginTime('2025-13-01', now), usage(/month must be 01-12/));
    assert.throws(() => parseBeginTime('2025-00-01', now), usage(/month must be 01-12/));
    assert.throws(() => parseBeginTime('2025-02-29', now), usage(/day must be 01-28/));
    assert.throws(() => parseBeginTime('2025-04-31', now), usage(/day must be 01-30/));
    assert.throws(() => parseBeginTime('2025-04-00', now), usage(/day must be 01-30/));
    assert.throws(() => parseBeginTime('2025-04-01T25:00', now), usage(/hour must be 0-23/));
    assert.throws(() => parseBeginTime('now+99999999999999d', now), usage(/too large/));
  });

  it('refuses anything else', () => {
    for (const bad of [
      '',
      'soon',
      'tomorrow',
      'NOW',
      'now+',
      'now-5m',
      'now+5w',
      'now+1.5h',
      'now + 5m',
      '10',
      '10:5',
      '123:00',
      '10:00:00:00',
      '2025-4-1',
      '25-04-01',
      '2025-04-01T',
      '2025-04-01T08',
      '2025-04-01X08:00',
      '2025-04-01T08:00Z',
      '2025/04/01',
    ]) {
      assert.throws(() => parseBeginTime(bad, now), usage(/invalid begin time/), bad);
    }
  });
});
