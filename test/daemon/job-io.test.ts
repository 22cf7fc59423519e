// What surrounds a job's run: output files (-o, --error), a conda environment, auto-close.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pollUntil } from '../helpers/wait.js';
import { expandOutputPattern } from '../../src/core/output-path.js';
import { Sandbox, useSandbox } from '../helpers/sandbox.js';

describe('output patterns', () => {
  it("expands Slurm's %j %x %a %A %u %%, and refuses others", () => {
    const v = { id: 12, name: 'train', arrayTaskId: 3, arrayFirst: 10, user: 'ann' };
    assert.equal(expandOutputPattern('%x-%A_%a.%j.%u.100%%', v), 'train-10_3.12.ann.100%');
    assert.equal(expandOutputPattern('%x-%a', { ...v, name: null, arrayTaskId: null }), 'job-');
    assert.throws(() => expandOutputPattern('%q', v), /unknown pattern %q/);
  });
});

describe('job output and environment', () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s), ['--cpus', '4']);
  const me = os.userInfo().username;

  it('tees stdout and stderr into -o and --error files, and keeps the log', async () => {
    const id = await sb.submit('-o', 'o-%j.txt', '--error', 'e-%u.txt', '--', 'bash', '-c', 'echo out; echo err >&2');
    assert.equal((await sb.waitEnded(id)).state, 'finished');
    assert.equal(fs.readFileSync(path.join(sb.dir, `o-${id}.txt`), 'utf8'), 'out\n');
    assert.equal(fs.readFileSync(path.join(sb.dir, `e-${me}.txt`), 'utf8'), 'err\n');
    // Two tees write to the pane: the order of the two lines in the log is not fixed.
    assert.deepEqual((await sb.ok('gflow', 'log', String(id))).split('\n').filter(Boolean).sort(), ['err', 'out']);
  });

  it('puts both streams in -o alone, one file per array task', async () => {
    const out = await sb.ok('gflow', 'submit', '--array', '1-2', '-n', 'arr', '-o', '%x-%A_%a.log', '--', 'bash', '-c', 'echo "task $GFLOW_ARRAY_TASK_ID"; echo oops >&2; exit 1');
    const first = Number(/Submitted jobs (\d+)-/.exec(out)![1]);
    for (const i of [0, 1]) assert.equal((await sb.waitEnded(first + i)).state, 'failed');
    for (const t of [1, 2]) assert.equal(fs.readFileSync(path.join(sb.dir, `arr-${first}_${t}.log`), 'utf8'), `task ${t}\noops\n`);
  });

  it('refuses an unknown pattern at submit, exit 2', async () => {
    const r = await sb.gflow('submit', '-o', 'x-%Q', '--', 'true');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown pattern %Q/);
  });
});

// A stand-in for conda: `conda shell.bash hook` prints a shell function, as the real one does,
// whose `activate` knows one environment.
const FAKE_CONDA = `#!/bin/bash
if [ "$1 $2" = "shell.bash hook" ]; then
  cat <<'HOOK'
conda() {
  if [ "$1" = activate ]; then
    [ "$2" = myenv ] || { echo "EnvironmentNameNotFound: Could not find conda environment: $2" >&2; return 1; }
    export CONDA_DEFAULT_ENV="$2" CONDA_PREFIX="/fake/envs/$2"
  fi
}
HOOK
  exit 0
fi
exit 2
`;

describe('--conda-env', () => {
  let sb!: Sandbox;
  useSandbox((s) => {
    sb = s;
    const bin = path.join(s.dir, 'conda-bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'conda'), FAKE_CONDA, { mode: 0o755 });
    s.env.PATH = `${bin}:${s.env.PATH ?? ''}`;
  });

  it('activates the environment in the job, through conda shell.bash hook', async () => {
    const id = await sb.submit('-e', 'myenv', '--', 'bash', '-c', 'echo "$CONDA_DEFAULT_ENV $CONDA_PREFIX"');
    assert.equal((await sb.waitEnded(id)).state, 'finished');
    assert.equal(await sb.ok('gflow', 'log', String(id)), 'myenv /fake/envs/myenv\n');
    assert.match(await sb.ok('gflow', 'show', String(id)), /Conda env: +myenv/);
  });

  it('fails a job whose environment does not exist, saying why in its log', async () => {
    const id = await sb.submit('--conda-env', 'nope', '--', 'true');
    const job = await sb.waitEnded(id);
    assert.deepEqual([job.state, job.exitCode], ['failed', 127]);
    assert.match(await sb.ok('gflow', 'log', String(id)), /Could not find conda environment: nope[^]*gflow: cannot activate conda environment 'nope'/);
  });

  it('refuses a file name after -e (Slurm habit), exit 2', async () => {
    const r = await sb.gflow('submit', '-e', 'err-%j.txt', '--', 'true');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /looks like a file name[^]*--error FILE/);
  });
});

describe('--auto-close', () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s));

  it("removes the job's tmux session when it ends and keeps its log", async () => {
    const id = await sb.submit('--auto-close', '--', 'echo', 'bye');
    const job = await sb.waitEnded(id);
    assert.equal(job.state, 'finished');
    // The session is closed right after the end is recorded: wait for that, not for a time.
    await pollUntil(async () => (await sb.run('tmux', ['has-session', '-t', `=${job.session}`])).code !== 0, { interval: 50, timeout: 10_000 });
    assert.equal(await sb.ok('gflow', 'log', String(id)), 'bye\n');
    const kept = await sb.submit('--', 'true');
    const k = await sb.waitEnded(kept);
    assert.equal((await sb.run('tmux', ['has-session', '-t', `=${k.session}`])).code, 0, 'without it the session stays');
  });
});
