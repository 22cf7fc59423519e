import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NEW_JOB_DEFAULTS, type JobRecord } from '../../src/core/job.js';
import { toWireJob } from '../../src/core/wire-job.js';

// A whole record, as the store decodes it.
const record = (over: Partial<JobRecord> = {}): JobRecord =>
  ({
    ...NEW_JOB_DEFAULTS,
    id: 7, name: null, user: 'u', uid: 1000, command: ['true'], script: null, cwd: '/', env: { SECRET: 'x' }, priority: 0, cpus: 1, timeLimitSec: null,
    state: 'finished', reason: null, submittedAt: 1000, startedAt: 2000, finishedAt: null, exitCode: 0, signal: null, endedBy: 'natural', session: null, pid: null,
    slurmId: null, node: null, token: 'secret-token', stopRequest: null, stopRequestedAt: null, escalated: false, sessionClosed: false, cancelledBy: null, attempt: 1,
    ...over,
  }) as JobRecord;

describe('the wire form of a job', () => {
  it('leaves out the private fields and sends times as ISO 8601', () => {
    const wire = toWireJob(record(), '/logs/7.log') as unknown as Record<string, unknown>;
    for (const k of ['env', 'token', 'stopRequest', 'stopRequestedAt', 'escalated', 'sessionClosed']) assert.ok(!(k in wire), k);
    assert.equal(wire.logPath, '/logs/7.log');
    assert.equal(wire.submittedAt, new Date(1000).toISOString());
    assert.equal(wire.finishedAt, null);
    assert.deepEqual(Object.keys(wire).sort(), ['logPath', ...Object.keys(record()).filter((k) => !['env', 'token', 'stopRequest', 'stopRequestedAt', 'escalated', 'sessionClosed'].includes(k))].sort());
  });

  it('copies a record with fewer or more fields than the first one as it is (no field made up)', () => {
    toWireJob(record(), '/logs/7.log');
    const { cpus: _cpus, ...fewer } = record({ id: 8 });
    const short = toWireJob(fewer as unknown as JobRecord, '/logs/8.log') as unknown as Record<string, unknown>;
    assert.ok(!('cpus' in short));
    assert.equal(short.id, 8);
    const long = toWireJob({ ...record({ id: 9 }), extra: 1 } as unknown as JobRecord, '/logs/9.log') as unknown as Record<string, unknown>;
    assert.equal(long.extra, 1);
    assert.equal(long.cpus, 1);
  });
});
