// Times for people are local wall-clock times; JSON keeps ISO 8601 with its zone.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { localTime } from '../../src/config/local-time.js';
import type { Job } from '../../src/protocol/job.js';
import { Sandbox } from '../helpers/sandbox.js';

const ZONE = 'Asia/Shanghai'; // UTC+8 all year: no daylight saving to trip over

describe('local time', () => {
  let sb: Sandbox;
  const savedTz = process.env.TZ;
  before(async () => {
    process.env.TZ = ZONE;
    sb = await Sandbox.create({ TZ: ZONE });
    await sb.up();
  });
  after(async () => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
    await sb.cleanup();
  });

  it('formats an instant as local date and time to the second', () => {
    assert.equal(localTime('2026-11-22T01:44:30.945Z'), '2026-11-22 09:44:30');
    assert.equal(localTime(Date.UTC(2026, 11, 31, 20, 0, 5)), '2027-01-01 04:00:05');
    assert.equal(localTime(new Date('2026-06-01T00:00:00Z')), '2026-06-01 08:00:00');
  });

  it('gflow show prints local times, --json keeps ISO', async () => {
    const id = await sb.submit('--', 'true');
    const job = (await sb.waitEnded(id)) as Job;
    assert.match(job.submittedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const text = await sb.ok('gflow', 'show', String(id));
    assert.match(text, new RegExp(`^Submitted:\\s+${localTime(job.submittedAt)}$`, 'm'));
    assert.match(text, new RegExp(`^Finished:\\s+${localTime(job.finishedAt!)}$`, 'm'));
    assert.doesNotMatch(text, /\d{4}-\d\d-\d\dT\d\d:\d\d/);
  });

  it('the daemon log lines start with local time', () => {
    const lines = fs.readFileSync(path.join(sb.stateDir, 'gflowd.log'), 'utf8').split('\n').filter((l) => /\b(INFO|EVENT)\b/.test(l));
    assert.ok(lines.length > 0);
    for (const l of lines) assert.match(l, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (INFO|EVENT) /);
    // The daemon ran in the sandbox's zone: its first line is within a minute of now there.
    const first = lines[0]!.slice(0, 19);
    assert.ok(Math.abs(Date.parse(`${first.replace(' ', 'T')}+08:00`) - Date.now()) < 120_000, `${first} vs ${localTime(new Date())}`);
  });
});
