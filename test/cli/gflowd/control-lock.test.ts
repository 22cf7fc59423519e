// The control lock of `gflowd up` and `reload`: taken by exactly one of many at once, also when
// the lock left behind is stale; and concurrent `gflowd up` start one daemon.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Sandbox } from '../../helpers/sandbox.js';

const LOCK_MODULE = fileURLToPath(new URL('../../../src/cli/gflowd/control-lock.js', import.meta.url));

/** A process that tries the lock once, says whether it got it, and holds it while `hold` exists. */
function contender(file: string, hold: string): Promise<string> {
  const code = `import fs from 'node:fs'; import { tryLock } from ${JSON.stringify(LOCK_MODULE)}; const r = tryLock(${JSON.stringify(file)}); process.stdout.write('release' in r ? 'got' : 'held'); const t = setInterval(() => { if (!fs.existsSync(${JSON.stringify(hold)})) { clearInterval(t); if ('release' in r) r.release(); } }, 20);`;
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--input-type=module', '-e', code]);
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString()));
  });
}

describe('control lock', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gflow-lock-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('goes to exactly one of 20 at once, with no lock or a stale one', async () => {
    for (const stale of [false, true]) {
      const file = path.join(dir, `l-${stale}`);
      if (stale) {
        const dead = spawn('true');
        await new Promise((r) => dead.once('exit', r));
        fs.writeFileSync(file, `${dead.pid} 1`);
      }
      const hold = path.join(dir, `hold-${stale}`);
      fs.writeFileSync(hold, '');
      const answers = await Promise.all(Array.from({ length: 20 }, () => contender(file, hold)));
      fs.rmSync(hold);
      assert.equal(answers.filter((a) => a === 'got').length, 1, answers.join(' '));
      assert.equal(answers.filter((a) => a === 'held').length, 19);
    }
  });

  it('five gflowd up at once start one daemon and all report it', async () => {
    const sb = await Sandbox.create();
    try {
      const runs = await Promise.all(Array.from({ length: 5 }, () => sb.gflowd('up')));
      for (const r of runs) assert.equal(r.code, 0, r.stderr);
      const pid = await sb.daemonPid();
      for (const r of runs) assert.match(r.stdout, new RegExp(`pid ${pid}\\b`));
      assert.doesNotMatch(runs.map((r) => r.stdout).join(''), /Removed a stale tmux session/);
    } finally {
      await sb.cleanup();
    }
  });
});
