// Slurm's names for submit flags: -J, --gres, --nice, --chdir, --export.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { exportEnv } from '../../src/client/export-env.js';
import { Sandbox, useSandbox } from '../helpers/sandbox.js';

describe('--export', () => {
  const env = { HOME: '/h', PATH: '/mine', SECRET: 's', FOO: 'f' };
  it('keeps all, none but the basics, or the basics plus named variables', () => {
    assert.deepEqual(exportEnv('ALL', env), env);
    assert.deepEqual(exportEnv('ALL,FOO=x', env), { ...env, FOO: 'x' });
    const none = exportEnv('NONE', env);
    assert.equal(none.HOME, '/h');
    assert.equal(none.SECRET, undefined);
    assert.match(none.PATH!, /\/usr\/bin/);
    assert.deepEqual(exportEnv('FOO,BAR=1', env), { PATH: none.PATH, HOME: '/h', FOO: 'f', BAR: '1' });
    assert.throws(() => exportEnv('NONE,FOO', env), /NONE takes no variables/);
    assert.throws(() => exportEnv('1X=2', env), /not a variable name/);
  });
});

describe('sbatch flags', () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s));

  it('names, deprioritises, moves and trims the environment of a job', async () => {
    const dir = path.join(sb.dir, 'work');
    fs.mkdirSync(dir);
    const r = await sb.run('gflow', ['submit', '-J', 'slurmish', '--gres', 'gpu:0', '--nice', '5', '--chdir', 'work', '--export', 'FOO=bar', '--', 'bash', '-c', 'echo "$PWD $FOO ${SECRET:-none}"'], { env: { SECRET: 'x' } });
    assert.equal(r.code, 0, r.stderr);
    const id = Number(/Submitted job (\d+)/.exec(r.stdout)![1]);
    const job = await sb.waitEnded(id);
    assert.deepEqual([job.name, job.priority, job.gpus, job.cwd, job.state], ['slurmish', -5, 0, dir, 'finished']);
    assert.equal(await sb.ok('gflow', 'log', String(id)), `${dir} bar none\n`);
  });

  it('refuses what it cannot honour, exit 2', async () => {
    for (const [args, msg] of [
      [['--gres', 'tpu:1'], /gflow knows GPUs only/],
      [['--chdir', 'nowhere'], /--chdir 'nowhere' is not a directory/],
      [['-J', 'a', '-n', 'b'], /--name and -J\/--job-name both/],
      [['--nice', '-1'], /nice must be a whole number ≥ 0/],
    ] as const) {
      const r = await sb.gflow('submit', ...args, '--', 'true');
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, msg);
    }
  });
});
