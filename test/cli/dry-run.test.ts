// `gflow submit --dry-run`: what would be submitted and whether it could start, nothing written.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Sandbox, useSandbox } from '../helpers/sandbox.js';

describe('gflow submit --dry-run', () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s), ['--cpus', '1']);
  const count = async (): Promise<number> => (JSON.parse(await sb.ok('gflow', 'queue', '-a', '--json')) as unknown[]).length;

  it('says a job could start now, then that it would wait for the busy slot; writes nothing', async () => {
    const free = await sb.ok('gflow', 'submit', '--dry-run', '-t', '10', '--', 'true');
    assert.match(free, /^Would submit 1 job \(dry run: nothing was submitted\)/);
    assert.match(free, /resources: +1 CPU slot\(s\), 0 GPU\(s\), time limit 10:00, priority 0/);
    assert.match(free, /job: could start now/);
    const busy = await sb.submit('--', 'bash', '-c', `while [ ! -e ${path.join(sb.dir, 'go')} ]; do sleep 0.05; done`);
    await sb.waitFor(busy, (j) => j.state === 'running');
    const before = await count();
    assert.match(await sb.ok('gflow', 'submit', '--dry-run', '--', 'true'), /job: would wait: Resources/);
    const arr = await sb.ok('gflow', 'submit', '--dry-run', '--array', '1-3', '-d', `afterany:${busy}`, '--', 'true');
    assert.match(arr, /Would submit 3 jobs/);
    for (const t of [1, 2, 3]) assert.match(arr, new RegExp(`task ${t}: after afterany:${busy}; would wait: Dependency ${busy}`));
    assert.equal(await count(), before, 'nothing was queued');
    fs.writeFileSync(path.join(sb.dir, 'go'), '');
    await sb.waitEnded(busy);
  });

  it('lists the directives read from a script', async () => {
    const script = path.join(sb.dir, 'job.sh');
    fs.writeFileSync(script, '#!/bin/bash\n# GFLOW --name=prep --priority=3\necho hi\n');
    const out = await sb.ok('gflow', 'submit', '--dry-run', script);
    assert.match(out, /directives: +--name=prep --priority=3/);
    assert.match(out, /job: prep; could start now/);
  });
});
