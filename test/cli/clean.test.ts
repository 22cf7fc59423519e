// `gflow clean` and the `retention` setting: ended jobs' records and files go.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Sandbox, useSandbox } from '../helpers/sandbox.js';

describe('gflow clean', () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s));

  it('removes ended jobs by state and age, keeps those active jobs depend on, and can only say so', async () => {
    const ok = await sb.submit('--', 'true');
    const bad = await sb.submit('--requeue', '--max-retries', '1', '--', 'bash', '-c', 'exit 1');
    const needed = await sb.submit('--', 'true');
    for (const id of [ok, bad, needed]) await sb.waitEnded(id);
    const waiting = await sb.submit('--hold', '-d', `afterany:${needed}`, '--', 'true');
    const badLog = (await sb.job(bad)).logPath;
    // Every file the job left: its log, its first run's log, its status file and its directory.
    const badFiles = [badLog, badLog.replace(/\.log$/, '.1.log'), path.join(sb.stateDir, 'status', String(bad)), path.join(sb.stateDir, 'jobs', String(bad))];
    for (const f of badFiles) assert.ok(fs.existsSync(f), f);

    assert.match(await sb.ok('gflow', 'clean', '--dry-run'), new RegExp(`^Would remove 2 job\\(s\\) and their files: ${ok}, ${bad}\\nKept 1 that waiting or running jobs depend on: ${needed}\\n$`));
    assert.equal((await sb.gflow('show', String(bad))).code, 0, 'a dry run removes nothing');
    assert.equal(await sb.ok('gflow', 'clean', '-s', 'F', '--older-than', '30d'), 'No ended jobs to remove\n');
    assert.equal(await sb.ok('gflow', 'clean', '--states', 'F'), `Removed 1 job(s) and their files: ${bad}\n`);
    assert.equal((await sb.gflow('show', String(bad))).code, 1);
    for (const f of badFiles) assert.ok(!fs.existsSync(f), `${f} is gone`);
    assert.equal((await sb.job(ok)).state, 'finished', 'other states stay');
    await sb.ok('gflow', 'cancel', String(waiting));
  });

  it('removes the kept script of a job that never ran (cancelled while held)', async () => {
    const r = await sb.run('gflow', ['submit', '--hold', '-'], { input: '#!/bin/bash\necho hi\n' });
    assert.equal(r.code, 0, r.stderr);
    const id = Number(/\d+/.exec(r.stdout)![0]);
    const dir = path.join(sb.stateDir, 'jobs', String(id));
    assert.ok(fs.existsSync(path.join(dir, 'script')), 'the script is kept with the job');
    await sb.ok('gflow', 'cancel', String(id));
    assert.match(await sb.ok('gflow', 'clean', '--state', 'CA'), new RegExp(`^Removed \\d+ job\\(s\\) and their files: (.*, )?${id}\\n$`));
    assert.ok(!fs.existsSync(dir), `${dir} is gone`);
  });

  it('refuses a state that has not ended and a bad age, exit 2', async () => {
    assert.equal((await sb.gflow('clean', '--state', 'R')).code, 2);
    assert.equal((await sb.gflow('clean', '--older-than', 'old')).code, 2);
  });

  it('takes a retention setting: off or an age', async () => {
    await sb.ok('gflow', 'config', 'set', 'retention', '30d');
    assert.equal((await sb.ok('gflow', 'config', 'get', 'retention')).trim(), '30d');
    const r = await sb.gflow('config', 'set', 'retention', 'forever');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /off, or an age like 30d/);
  });
});
