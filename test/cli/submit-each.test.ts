// `gflow submit --each FILE`: one job per line, all in one request, every flag applied to each.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Job } from '../../src/protocol/job.js';
import { Sandbox, useSandbox } from '../helpers/sandbox.js';

describe('gflow submit --each', () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s), ['--cpus', '2']);

  const jobs = async (): Promise<Job[]> => (JSON.parse(await sb.ok('gflow', 'queue', '-a', '--json')) as Job[]).sort((a, b) => a.id - b.id);

  it('makes one job per line of a file, skipping blank lines and comments; flags apply to each', async () => {
    const file = path.join(sb.dir, 'jobs.txt');
    fs.writeFileSync(file, '# the runs\necho one\n\n  echo "two words" > /dev/null\r\necho three && true\n');
    const before = (await jobs()).length;
    const out = await sb.ok('gflow', 'submit', '--each', file, '--hold', '-n', 'batch', '-p', '3');
    assert.match(out, /^Submitted jobs \d+-\d+ \(3 tasks\)$/m);
    const made = (await jobs()).slice(before);
    assert.deepEqual(
      made.map((j) => j.command),
      [['/bin/bash', '-c', 'echo one'], ['/bin/bash', '-c', '  echo "two words" > /dev/null'], ['/bin/bash', '-c', 'echo three && true']],
    );
    for (const j of made) assert.deepEqual([j.state, j.name, j.priority], ['hold', 'batch', 3]);
    // `@` is the whole submission: releasing it runs every line.
    await sb.ok('gflow', 'release', '@');
    for (const j of made) assert.equal((await sb.waitEnded(j.id)).state, 'finished');
    assert.match(await sb.ok('gflow', 'log', String(made[2]!.id)), /three/);
  });

  it('reads the lines from stdin with -', async () => {
    const before = (await jobs()).length;
    const r = await sb.run('gflow', ['submit', '--each', '-', '--hold', '--json'], { input: 'true\nfalse\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as Job[]).length, 2);
    assert.equal((await jobs()).length, before + 2);
  });

  it('refuses a command as well, arrays and sweeps, and an empty file, submitting nothing', async () => {
    const file = path.join(sb.dir, 'some.txt');
    fs.writeFileSync(file, 'true\n');
    const empty = path.join(sb.dir, 'empty.txt');
    fs.writeFileSync(empty, '\n# nothing\n');
    const before = (await jobs()).length;
    for (const [args, message] of [
      [['submit', '--each', file, '--', 'true'], /give no command as well/],
      [['submit', '--each', file, '--array', '1-3'], /--each does not go with --array/],
      [['submit', '--each', empty], /no commands/],
      [['submit', '--each', path.join(sb.dir, 'missing.txt')], /cannot read/],
    ] as const) {
      const r = await sb.run('gflow', [...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
    assert.equal((await jobs()).length, before);
  });

  it('is pointed to from submit --help, beside --array', async () => {
    const help = await sb.ok('gflow', 'submit', '--help');
    assert.match(help, /--each <file>/);
    assert.match(help, /Many jobs in one request: --array .* --each FILE/);
  });
});
