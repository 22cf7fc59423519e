// A script is taken at submit, with its directives (as sbatch does): editing or removing the
// file afterwards does not change what the job runs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Job } from '../../src/protocol/job.js';
import { Sandbox, useSandbox } from '../helpers/sandbox.js';

describe('script snapshot at submit', () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s));

  it('runs the submitted version of a script edited and then deleted before it starts', async () => {
    const file = path.join(sb.dir, 'snap.sh');
    // Run through its #! line: the copy keeps it, so this runs under sh, not bash.
    fs.writeFileSync(file, '#!/bin/sh\n# GFLOW --name=snap\necho "version 1 ${BASH_VERSION:-sh}"\n');
    const id = await sb.submit('--hold', file);
    fs.writeFileSync(file, '#!/bin/sh\necho version 2\n');
    assert.equal((await sb.job(id)).scriptPath, file);
    fs.rmSync(file);
    await sb.ok('gflow', 'release', String(id));
    const job = await sb.waitEnded(id);
    assert.equal(job.state, 'finished', JSON.stringify(job));
    assert.equal(job.name, 'snap');
    assert.equal(await sb.ok('gflow', 'log', String(id)), 'version 1 sh\n');
    assert.match(await sb.ok('gflow', 'show', String(id)), new RegExp(`script ${file} \\(as submitted`));
    // A redo gets its own copy, so cleaning the first job cannot take it away.
    const [redone] = JSON.parse((await sb.run('gflow', ['redo', '--json', String(id)])).stdout) as Job[];
    assert.notEqual(redone!.script, job.script);
    assert.equal((await sb.waitEnded(redone!.id)).state, 'finished');
    assert.equal(await sb.ok('gflow', 'log', String(redone!.id)), 'version 1 sh\n');
  });

  it('refuses a file that is not a text script, with a hint', async () => {
    const bin = path.join(sb.dir, 'prog');
    fs.writeFileSync(bin, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0xff, 0xfe, 0x00]));
    const r = await sb.gflow('submit', bin);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /is not a text script \(not UTF-8\)[^]*gflow submit -- /);
  });
});
