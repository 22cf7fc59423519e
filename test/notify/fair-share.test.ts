// The outbox hands out delivery slots by owner (a real database): the owner with the fewest in
// flight first, the oldest due first among equals, never more than an owner's share — however
// many of one owner's deliveries are due before the others'.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { openDatabase } from '../../src/store/db.js';
import { Outbox } from '../../src/store/outbox.js';
import { shareOf } from '../../src/notify/sender.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gflow-fair-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function outbox(name: string): Outbox {
  return new Outbox(openDatabase(path.join(dir, `${name}.db`)));
}

let n = 0;
const add = (o: Outbox, uid: number | null, at: number): number =>
  o.enqueue({ key: `k${n++}`, eventId: null, ruleId: 1, jobId: null, uid, user: `u${uid}`, channel: 'webhook', target: 'http://127.0.0.1:9/', headers: {}, payload: '{}', at });

describe('fair share of the delivery slots', () => {
  it('gives each owner a turn, the one with the fewest in flight first, up to its share', () => {
    const o = outbox('turns');
    // A flood of owner 1000 due first, then one each of 1001 and an owner-less delivery.
    for (let i = 0; i < 500; i++) add(o, 1000, 1000 + i);
    const late = add(o, 1001, 5000);
    const none = add(o, null, 5001);
    const claimed = o.claimDue(10_000, 8, 1, 20_000, { perOwner: shareOf(8), inFlight: new Map() });
    assert.equal(shareOf(8), 4);
    assert.deepEqual(claimed.map((d) => d.uid), [1000, 1001, null, 1000, 1000, 1000], 'round by round, four of the flood at most');
    assert.ok(claimed.some((d) => d.id === late) && claimed.some((d) => d.id === none));
    assert.deepEqual(claimed.filter((d) => d.uid === 1000).map((d) => d.createdAt), [1000, 1001, 1002, 1003], "an owner's own oldest first");
    o.db.close();
  });

  it('keeps a full owner waiting and gives a freed slot to the owner with the fewest in flight', () => {
    const o = outbox('freed');
    for (let i = 0; i < 50; i++) add(o, 1000, 1000 + i);
    for (let i = 0; i < 50; i++) add(o, 1001, 2000 + i);
    add(o, 1002, 3000);
    // 1000 holds its share, 1001 three: the one free slot goes to 1002, though its delivery is the newest.
    const one = o.claimDue(10_000, 1, 1, 20_000, { perOwner: 4, inFlight: new Map([[1000, 4], [1001, 3]]) });
    assert.deepEqual(one.map((d) => d.uid), [1002]);
    const next = o.claimDue(10_000, 2, 1, 20_000, { perOwner: 4, inFlight: new Map([[1000, 4], [1001, 3], [1002, 1]]) });
    assert.deepEqual(next.map((d) => d.uid), [1001], 'a full owner gets nothing, however old its deliveries');
    assert.equal(o.claimDue(10_000, 8, 1, 20_000, { perOwner: 4, inFlight: new Map([[1000, 4], [1001, 4]]) }).length, 0);
    // What was claimed is held; what waits for a slot is due already: the next wake-up is the claims' end.
    assert.equal(o.nextDue(10_000), 20_000);
    o.db.close();
  });
});
