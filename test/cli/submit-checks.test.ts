// What `gflow submit` and `gflow log` refuse before they ask the daemon anything: flag
// combinations that cannot mean what the user wants, and words that were meant for gflow.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Sandbox, useSandbox } from '../helpers/sandbox.js';

describe('submit and log refusals', () => {
  let sb!: Sandbox;
  // No daemon: every refusal must happen before a request (a request would fail otherwise).
  useSandbox((s) => (sb = s), null);

  async function refused(args: string[], message: RegExp, hint: RegExp, input?: string): Promise<void> {
    const r = await sb.run('gflow', args, { input });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.match(lines[0]!, message);
    assert.match(r.stderr, hint);
    assert.equal(r.stdout, '');
    assert.equal(fs.existsSync(path.join(sb.stateDir, 'gflow.db')), false, 'a refusal created daemon state');
  }

  it('suggests only commands that exist, read from the real command lines', async () => {
    await refused(['submit', 'status'], /'status' is neither a file nor a command on PATH/, /did you mean `gflowd status`\?/);
    await refused(['submit', 'gpu'], /'gpu'/, /did you mean `gflow gpu`\?/);
    await refused(['submit', 'q'], /'q'/, /did you mean `gflow q`\?/);
    await refused(['submit', 'reload'], /'reload'/, /did you mean `gflowd reload`\?/);
    const r = await sb.gflow('submit', 'lst');
    assert.equal(r.code, 2);
    assert.doesNotMatch(r.stderr, /did you mean/);
  });

  it('refuses --first with --follow', async () => {
    const r = await sb.gflow('log', '1', '--first', '3', '-f');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--first.*cannot be used with.*--follow/);
  });

  it('refuses --gpu-memory without --shared, on the command line and in directives', async () => {
    await refused(['submit', '--gpu-memory', '20G', '--', 'true'], /--gpu-memory applies to a shared GPU job only/, /add --shared/);
    const script = path.join(sb.dir, 'mem.sh');
    fs.writeFileSync(script, '#!/bin/bash\n# GFLOW --gpu-memory=20G\ntrue\n');
    await refused(['submit', script], /--gpu-memory applies to a shared GPU job only/, /add --shared/);
    await refused(['submit', '-'], /--gpu-memory applies/, /add --shared/, '# GFLOW --gpu-memory=4G\ntrue\n');
  });

  it('refuses --max-concurrent on a single job', async () => {
    await refused(['submit', '--max-concurrent', '2', '--', 'true'], /--max-concurrent applies to an array or a sweep/, /drop --max-concurrent/);
    const script = path.join(sb.dir, 'cap.sh');
    fs.writeFileSync(script, '#!/bin/bash\n# GFLOW --max-concurrent=2\ntrue\n');
    await refused(['submit', script], /--max-concurrent applies to an array or a sweep/, /drop --max-concurrent/);
  });

  it('refuses %N in --array together with --max-concurrent', async () => {
    await refused(['submit', '--array', '1-10%2', '--max-concurrent', '3', '--', 'true'], /--array '1-10%2' \(its %N\) and --max-concurrent both cap/, /give one of them/);
    const script = path.join(sb.dir, 'arr.sh');
    fs.writeFileSync(script, '#!/bin/bash\n# GFLOW --array=1-4%2\ntrue\n');
    await refused(['submit', '--max-concurrent', '3', script], /both cap the running tasks/, /give one of them/);
  });
});

describe('submit combinations that are allowed', () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s));

  it('takes --max-concurrent with an array or a sweep, and %N alone', async () => {
    const arr = JSON.parse(await sb.ok('gflow', 'submit', '--json', '--hold', '--array', '1-3', '--max-concurrent', '2', '--', 'true')) as { maxConcurrent: number }[];
    assert.deepEqual(arr.map((j) => j.maxConcurrent), [2, 2, 2]);
    const cap = JSON.parse(await sb.ok('gflow', 'submit', '--json', '--hold', '--array', '1-2%1', '--', 'true')) as { maxConcurrent: number }[];
    assert.deepEqual(cap.map((j) => j.maxConcurrent), [1, 1]);
    const sweep = JSON.parse(await sb.ok('gflow', 'submit', '--json', '--hold', '--param', 'x=1,2', '--max-concurrent', '1', '--', 'echo', '{x}')) as { maxConcurrent: number }[];
    assert.deepEqual(sweep.map((j) => j.maxConcurrent), [1, 1]);
  });
});
