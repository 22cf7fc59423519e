import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
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
