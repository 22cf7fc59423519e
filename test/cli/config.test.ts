import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { InfoResponse } from '../../src/protocol/api.js';
import type { FakeNvidiaSmi } from '../helpers/fake-nvidia-smi.js';
import { Sandbox, useSandbox } from '../helpers/sandbox.js';

describe('gflow config', () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s), null);

  it('sets, gets and lists settings with their sources', async () => {
    assert.equal((await sb.ok('gflow', 'config', 'path')).trim(), path.join(sb.configDir, 'config.json'));
    await sb.ok('gflow', 'config', 'set', 'cpus', '3');
    await sb.ok('gflow', 'config', 'set', 'gpus', '0,2');
    assert.equal((await sb.ok('gflow', 'config', 'get', 'cpus')).trim(), '3');
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(sb.configDir, 'config.json'), 'utf8')), { cpus: 3, gpus: '0,2' });
    const list = await sb.ok('gflow', 'config', 'list');
    assert.match(list, /^cpus\s+3\s+\(config file; default \d+\)$/m);
    // The sandbox sets GFLOW_PORT: the environment wins over the file.
    assert.match(list, new RegExp(`^port\\s+${sb.port}\\s+\\(env GFLOW_PORT; default 59000\\)$`, 'm'));
  });

  it('refuses bad values and unknown keys without writing anything', async () => {
    const before0 = fs.readFileSync(path.join(sb.configDir, 'config.json'), 'utf8');
    for (const args of [['set', 'cpus', '0'], ['set', 'gpus', 'first'], ['set', 'gpuStrategy', 'fastest'], ['get', 'colour']]) {
      const r = await sb.gflow('config', ...args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /gflow: (invalid value|unknown setting)/);
    }
    assert.equal(fs.readFileSync(path.join(sb.configDir, 'config.json'), 'utf8'), before0);
  });
});

describe('gflow gpu allow and config list with a daemon', () => {
  let sb!: Sandbox;
  let smi!: FakeNvidiaSmi;
  before(async () => {
    ({ sb, smi } = await Sandbox.withGpus([{ index: 0 }, { index: 1 }, { index: 2 }]));
    void smi;
  });
  after(async () => {
    await sb.cleanup();
  });
  const configFile = (): Record<string, unknown> => JSON.parse(fs.readFileSync(path.join(sb.configDir, 'config.json'), 'utf8')) as Record<string, unknown>;
  const allowed = async (): Promise<number[]> => (JSON.parse(await sb.ok('gflow', 'info', '--json')) as InfoResponse).gpus.filter((g) => g.allowed).map((g) => g.index);

  it('without a daemon, writes the config file and says so', async () => {
    const out = await sb.ok('gflow', 'gpu', 'allow', '0,2');
    assert.equal(out, `gpus = 0,2 written to ${path.join(sb.configDir, 'config.json')}\nno daemon is running; the next \`gflowd up\` uses GPUs 0,2\n`);
    assert.deepEqual(configFile(), { gpus: '0,2' });
  });

  it('refuses a bad list like config set does, writing nothing', async () => {
    const r = await sb.gflow('gpu', 'allow', 'first');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^gflow: invalid value 'first' for gpus\n {2}hint: give all, or GPU indices like 0,2\n$/);
    assert.deepEqual(configFile(), { gpus: '0,2' });
  });

  it('the daemon starts with the file, and a new list applies at once and stays in the file', async () => {
    await sb.up('--cpus', '1');
    assert.deepEqual(await allowed(), [0, 2]);
    const out = await sb.ok('gflow', 'gpu', 'allow', '1');
    assert.match(out, /written to .*config\.json\nthe running daemon uses GPUs 1 now\n$/);
    assert.deepEqual(configFile(), { gpus: '1' });
    assert.deepEqual(await allowed(), [1]);
    await sb.ok('gflow', 'config', 'set', 'gpus', '2');
    await sb.ok('gflowd', 'restart');
    assert.deepEqual(await allowed(), [2], 'config set gpus plus a restart takes effect');
  });

  it('config list shows where a running daemon differs, and why', async () => {
    await sb.ok('gflow', 'config', 'set', 'cpus', '2');
    const list = await sb.ok('gflow', 'config', 'list');
    assert.match(list, /^cpus\s+2\s+\(config file; default \d+\); running daemon: 1 \(flag --cpus\)$/m);
    assert.match(list, /^gpus\s+2\s+\(config file; default all\)$/m);
  });

  it('gpu allow replaces the running daemon\'s --gpus flag, so a restart keeps what was allowed last', async () => {
    await sb.ok('gflowd', 'restart', '--gpus', '0');
    assert.deepEqual(await allowed(), [0]);
    const out = await sb.ok('gflow', 'gpu', 'allow', 'all');
    assert.match(out, /the running daemon uses all GPUs now\n$/);
    await sb.ok('gflowd', 'restart');
    assert.deepEqual(await allowed(), [0, 1, 2]);
  });
});
