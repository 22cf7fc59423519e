// Shell completion, in real shells: the script `gflow completion bash` prints is loaded into
// bash and its function called as bash calls it on <TAB> (COMP_WORDS, COMP_CWORD), against a
// real daemon for job ids. zsh and fish are checked where they are installed.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import pty from 'node-pty';
import { pollUntil } from '../helpers/wait.js';
import { BIN, Sandbox, useSandbox } from '../helpers/sandbox.js';
import { HOW, installed, requires } from '../helpers/requires.js';

/** What the completion offers for these words (the last is the one being completed), one per line. */
function complete(sb: Sandbox, program: 'gflow' | 'gflowd', script: string, words: string[]): Promise<string[]> {
  const quoted = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  const driver = `${script}
COMP_WORDS=(${quoted}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); COMP_LINE="\${COMP_WORDS[*]}"; COMP_POINT=\${#COMP_LINE}
_${program} ${program}
printf '%s\\n' "\${COMPREPLY[@]}"`;
  return new Promise((resolve, reject) => {
    execFile('bash', ['--norc', '--noprofile', '-c', driver], { env: shellEnv(sb) }, (err, stdout, stderr) => {
      if (err) reject(new Error(`bash failed: ${stderr}`));
      else resolve(stdout.split('\n').filter(Boolean).sort());
    });
  });
}

// The sandbox's environment with gflow and node on PATH, as for a user who installed gflow.
function shellEnv(sb: Sandbox): NodeJS.ProcessEnv {
  return { ...sb.env, PATH: `${path.dirname(BIN.gflow)}:${path.dirname(process.execPath)}:${sb.env.PATH ?? ''}` };
}

describe('gflow completion bash', () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s), ['--cpus', '1']);
  let script = '';
  before(async () => {
    script = await sb.ok('gflow', 'completion', 'bash');
  });

  it('completes commands, options and their values from the command definitions', async () => {
    assert.deepEqual(await complete(sb, 'gflow', script, ['gflow', 'ca']), ['cancel']);
    assert.deepEqual(await complete(sb, 'gflow', script, ['gflow', 'q']), ['q', 'queue', 'quota']);
    assert.deepEqual(await complete(sb, 'gflow', script, ['gflow', 'log', '--f']), ['--first', '--follow']);
    assert.deepEqual(await complete(sb, 'gflow', script, ['gflow', 'queue', '--states', 'R,f']), ['R,failed', 'R,finished']);
    assert.deepEqual(await complete(sb, 'gflow', script, ['gflow', 'signal', '1', 'USR']), ['USR1', 'USR2']);
    assert.deepEqual(await complete(sb, 'gflow', script, ['gflow', 'completion', '']), ['bash', 'fish', 'zsh']);
    assert.deepEqual(await complete(sb, 'gflow', script, ['gflow', 'quota', 'list', '--j']), ['--json']);
    // The command a job runs owns the words after it: no gflow option there.
    assert.deepEqual(await complete(sb, 'gflow', script, ['gflow', 'submit', '-g', '1', '--ho']), ['--hold']);
    assert.deepEqual(await complete(sb, 'gflow', script, ['gflow', 'submit', '-g', '1', 'python', '--ho']), []);
  });

  it('completes `gflow cancel <TAB>` with the ids of active jobs, not of ended ones', async () => {
    const ended = await sb.submit('--', 'true');
    await sb.waitEnded(ended);
    const running = await sb.submit('--', 'sleep', '300');
    const queued = await sb.submit('--', 'sleep', '300');
    await sb.waitFor(running, (j) => j.state === 'running');
    assert.deepEqual(await complete(sb, 'gflow', script, ['gflow', 'cancel', '']), [String(running), String(queued)].sort());
    // A comma list completes its last item; other commands offer the states they act on.
    assert.deepEqual(await complete(sb, 'gflow', script, ['gflow', 'cancel', `${running},`]), [`${running},${running}`, `${running},${queued}`].sort());
    assert.deepEqual(await complete(sb, 'gflow', script, ['gflow', 'redo', '']), [String(ended)]);
    await sb.ok('gflow', 'cancel', `${running},${queued}`);
  });

  it('prints no ids, at once and with exit 0, when no daemon runs', async () => {
    const idle = await Sandbox.create();
    try {
      const r = await idle.gflow('__complete', 'ids', 'cancel');
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
      assert.deepEqual(await complete(idle, 'gflow', script, ['gflow', 'cancel', '']), []);
    } finally {
      await idle.cleanup();
    }
  });

  it('gflowd has its own', async () => {
    const gflowd = await sb.ok('gflowd', 'completion', 'bash');
    assert.deepEqual(await complete(sb, 'gflowd', gflowd, ['gflowd', 're']), ['reload', 'restart', 'restore']);
    assert.deepEqual(await complete(sb, 'gflowd', gflowd, ['gflowd', 'up', '--gpus', '']), ['all']);
  });

  it('refuses an unknown shell', async () => {
    const r = await sb.gflow('completion', 'tcsh');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bash, zsh, fish/);
  });
});

describe('gflow completion zsh and fish', () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s), ['--cpus', '1']);

  it('zsh completes `gflow ca` and the ids of active jobs, on a real terminal', requires('zsh', installed('zsh'), HOW.systemDeps), async () => {
    const id = await sb.submit('--name', 'sleeper', '--', 'sleep', '300');
    const queued = await sb.submit('--name', 'waiter', '--', 'sleep', '300');
    fs.writeFileSync(path.join(sb.dir, '_gflow'), await sb.ok('gflow', 'completion', 'zsh'));
    const env = { ...(shellEnv(sb) as Record<string, string>), ZDOTDIR: sb.dir, TERM: 'xterm-256color' };
    const term = pty.spawn('zsh', ['-f'], { cols: 120, rows: 30, cwd: sb.dir, env });
    let screen = '';
    term.onData((d) => (screen += d));
    const exited = new Promise<void>((resolve) => term.onExit(() => resolve()));
    const typed = async (keys: string, expected: RegExp): Promise<void> => {
      screen = '';
      term.write(keys);
      await pollUntil(() => expected.test(screen), { timeout: { milliseconds: 15_000, message: `no ${expected} in: ${JSON.stringify(screen)}` } });
    };
    try {
      // The echo of the typed line says load''ed: only the shell's answer matches.
      await typed(`PS1='> '; autoload -U compinit && compinit -u && source ${path.join(sb.dir, '_gflow')} && echo load''ed\r`, /loaded/);
      await typed('gflow ca\t', /cancel/);
      await typed('\x15gflow cancel \t', new RegExp(`${id} +-- sleeper \\(running\\)[^]*${queued} +-- waiter \\(queued\\)|${queued} +-- waiter \\(queued\\)[^]*${id} +-- sleeper \\(running\\)`));
    } finally {
      term.kill();
      await exited;
      await sb.ok('gflow', 'cancel', `${id},${queued}`);
    }
  });

  it('fish completes `gflow ca` and option values', requires('fish', installed('fish'), HOW.systemDeps), async () => {
    const script = await sb.ok('gflow', 'completion', 'fish');
    const run = (line: string): string[] => {
      const r = spawnSync('fish', ['--no-config', '-c', `${script}\ncomplete -C '${line}'`], { env: shellEnv(sb), encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0]!).sort();
    };
    assert.deepEqual(run('gflow ca'), ['cancel']);
    assert.deepEqual(run('gflow queue --states=fa'), ['--states=failed']);
    assert.deepEqual(run('gflow completion '), ['bash', 'fish', 'zsh']);
  });
});
