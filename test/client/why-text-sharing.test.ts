// `gflow why` in words for the sharing reasons: quota, memory, reservation, fair share.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { whyLines } from '../../src/client/why-text.js';
import type { WhyResponse } from '../../src/protocol/api.js';
import type { Job } from '../../src/protocol/job.js';
import type { WaitReason } from '../../src/protocol/wait-reason.js';

const job = { id: 9, state: 'queued', user: 'ann', priority: 0, dependsOn: [], dependsMode: 'all', gpuShared: false, gpuMemoryMb: null } as unknown as Job;
const answer = (reason: WaitReason, more: Partial<NonNullable<WhyResponse['wait']>> = {}): WhyResponse => ({
  job,
  wait: { reason, place: 2, queued: 3, dependencies: [], cpus: { total: 4, free: 4, holders: [] }, gpus: [], gpuError: null, ...more },
});

describe('why text for sharing', () => {
  it('names the quota, its holder and the limit', () => {
    const [line] = whyLines(answer({ kind: 'quota', scope: 'project', name: 'nlp', limit: 'gpus', max: 2, used: 2, need: 1 }));
    assert.equal(line, 'quota: project nlp may hold at most 2 GPU(s), holds 2, and this job needs 1; it starts when one of its jobs ends (`gflow quota list`)');
  });

  it('gives the memory figures, and says when the machine can never fit it', () => {
    const memory = { totalMb: 65_536, availableMb: 30_000, declaredMb: 40_000 };
    assert.equal(whyLines(answer({ kind: 'memory', needMb: 32_768, freeMb: 25_536, totalMb: 65_536 }, { memory }))[0], 'needs 32.0 GiB of memory (--mem); 24.9 GiB free (available 29.3 GiB; running jobs declared 39.1 GiB of 64.0 GiB)');
    assert.equal(whyLines(answer({ kind: 'memory', needMb: 200_000, freeMb: 0, totalMb: 65_536 }))[0], 'needs 195.3 GiB of memory (--mem), but the machine has 64.0 GiB in all');
  });

  it('names the reservation and its user, and shows the fair-share order', () => {
    const lines = whyLines(
      answer(
        { kind: 'reservation', id: 4, user: 'bob', until: Date.UTC(2026, 0, 1) },
        { fairShare: { user: 'ann', usage: 12.5, users: [{ user: 'cid', usage: 0 }, { user: 'ann', usage: 12.5 }], halfLifeHours: 168, gpuWeight: 10 } },
      ),
    );
    assert.match(lines[0]!, /^the GPUs it could use are reserved for bob until .* \(reservation 4; `gflow reserve list`\)$/);
    assert.deepEqual(lines.slice(1), [
      'place in queue: 2 of 3 (priority 0, then fair share)',
      'fair share: ann used 12.50 CPU-hour equivalents (a GPU-hour counts 10; half-life 168 h)',
      '  among equal priorities, users who used less go first: cid 0.00, ann 12.50',
    ]);
  });
});
