import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { daemonMode, jobDirs, resolvePaths } from '../../src/config/paths.js';
import { resolveSettings } from '../../src/config/settings.js';
import { admissionLimits } from '../../src/daemon/policy-settings.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gflow-cfg-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('settings precedence', () => {
  const env = { HOME: dir, XDG_CONFIG_HOME: path.join(dir, 'cfg'), XDG_DATA_HOME: path.join(dir, 'data'), GFLOW_MODE: 'personal' };
  const paths = resolvePaths(env);

  it('is flag > environment > config file > default', () => {
    assert.equal(resolveSettings(paths, {}, env).port, 59000);
    fs.mkdirSync(paths.configDir, { recursive: true });
    fs.writeFileSync(paths.configFile, JSON.stringify({ port: 6001, cpus: 3 }));
    assert.equal(resolveSettings(paths, {}, env).port, 6001);
    assert.equal(resolveSettings(paths, {}, { ...env, GFLOW_PORT: '6002' }).port, 6002);
    assert.equal(resolveSettings(paths, { port: 6003 }, { ...env, GFLOW_PORT: '6002' }).port, 6003);
    assert.equal(resolveSettings(paths, {}, env).cpus, 3);
  });

  it('names the source of a bad value', () => {
    assert.throws(() => resolveSettings(paths, {}, { ...env, GFLOW_PORT: 'http' }), /invalid port .* from GFLOW_PORT/);
    fs.writeFileSync(paths.configFile, '{oops');
    assert.throws(() => resolveSettings(paths, {}, env), /is not a JSON object/);
    fs.rmSync(paths.configFile);
  });

  it('refuses a config file it cannot read; only a missing one means defaults', () => {
    fs.rmSync(paths.configFile, { force: true });
    assert.equal(resolveSettings(paths, {}, env).port, 59000);
    fs.mkdirSync(paths.configFile);
    try {
      assert.throws(() => resolveSettings(paths, {}, env), /cannot read config file .*config\.json: EISDIR/);
    } finally {
      fs.rmdirSync(paths.configFile);
    }
  });

  it('puts state and config under the XDG directories', () => {
    assert.equal(paths.db, path.join(dir, 'data', 'gflow', 'gflow.db'));
    assert.equal(paths.tokenFile, path.join(dir, 'cfg', 'gflow', 'token'));
  });

  it('keeps a shared daemon in /var/lib/gflow and /etc/gflow, each user\'s job files apart', () => {
    const shared = resolvePaths({ ...env, GFLOW_MODE: 'shared' });
    assert.equal(shared.mode, 'shared');
    assert.equal(shared.db, '/var/lib/gflow/gflow.db');
    assert.equal(shared.configFile, '/etc/gflow/config.json');
    assert.deepEqual(jobDirs(shared, 1001), { logsDir: '/var/lib/gflow/users/1001/logs', statusDir: '/var/lib/gflow/users/1001/status', jobsDir: '/var/lib/gflow/jobs' });
    assert.equal(resolvePaths({ ...env, GFLOW_MODE: 'shared', GFLOW_SHARED_DIR: '/srv/g' }).discoveryFile, '/srv/g/daemon.json');
    assert.equal(daemonMode({}), process.getuid?.() === 0 ? 'shared' : 'personal', 'root starts the shared daemon by default');
    assert.throws(() => daemonMode({ GFLOW_MODE: 'both' }), /invalid GFLOW_MODE 'both'/);
  });

  it('bounds what one user may put on a shared daemon\'s disk by default; the admin may change it', () => {
    const shared = { ...env, GFLOW_MODE: 'shared', GFLOW_SHARED_CONFIG_DIR: path.join(dir, 'etc') };
    const limits = (e: NodeJS.ProcessEnv) => {
      const s = resolveSettings(resolvePaths(e), {}, e);
      return { maxLog: s.maxLog, maxQueued: s.maxQueued, maxEnv: s.maxEnv, minFree: s.minFree };
    };
    assert.deepEqual(limits(shared), { maxLog: '1G', maxQueued: '10000', maxEnv: '256K', minFree: '1G' });
    assert.deepEqual(limits(env), { maxLog: 'off', maxQueued: 'off', maxEnv: '2M', minFree: 'off' }, 'a personal daemon\'s disk is its owner\'s');
    assert.deepEqual(limits({ ...shared, GFLOW_MAX_QUEUED: 'off', GFLOW_MIN_FREE: '200M', GFLOW_MAX_ENV: '64K', GFLOW_MAX_LOG: '5G' }), { maxLog: '5G', maxQueued: 'off', maxEnv: '64K', minFree: '200M' });
    assert.throws(() => resolveSettings(resolvePaths(shared), {}, { ...shared, GFLOW_MAX_QUEUED: '0' }), (e: Error & { hint?: string }) => /invalid maxQueued "0" from GFLOW_MAX_QUEUED/.test(e.message) && /off, or a number of jobs/.test(e.hint ?? ''));
    assert.deepEqual(admissionLimits({ maxQueued: '10000', maxEnv: '8M', minFree: '1G' }), { maxQueued: 10000, maxEnvBytes: 2 * 1024 * 1024, minFreeBytes: 1024 ** 3 });
  });
});
