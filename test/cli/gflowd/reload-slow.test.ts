// A reload whose new daemon starts slowly (as on a loaded machine) waits through many
// attempts without a MaxListenersExceededWarning or any other noise on stderr.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { Sandbox } from '../../helpers/sandbox.js';

describe('gflowd reload with a slow start', () => {
  let sb: Sandbox;
  let marker: string;
  before(async () => {
    sb = await Sandbox.create();
    marker = path.join(sb.dir, 'slow-start');
    const preload = path.join(sb.dir, 'slow-start.mjs');
    // Loaded by every node of the sandbox (NODE_OPTIONS reaches the daemon through the tmux
    // server's environment); only a daemon (`gflowd run`) started while the marker exists waits.
    fs.writeFileSync(preload, `import fs from 'node:fs';\nif (process.argv.includes('run') && fs.existsSync(${JSON.stringify(marker)})) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);\n`);
    sb.env.NODE_OPTIONS = `--import=${pathToFileURL(preload).href}`;
    await sb.up();
  });
  after(async () => {
    await sb.cleanup();
  });

  it('prints no warning while it waits', async () => {
    fs.writeFileSync(marker, '');
    const r = await sb.gflowd('reload', '--json');
    fs.rmSync(marker);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const summary = JSON.parse(r.stdout) as { steps: { step: string; ms: number }[] };
    const waited = summary.steps.filter((s) => s.step === 'find-new' || s.step === 'health').reduce((a, s) => a + s.ms, 0);
    assert.ok(waited >= 1400, `the new daemon should have been slow to answer (${waited} ms)`);
  });
});
