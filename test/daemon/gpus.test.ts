// GPU accounting with a fake nvidia-smi first on PATH and a real settings database.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Gpus } from '../../src/daemon/gpus.js';
import { Logger } from '../../src/daemon/logger.js';
import { openDatabase, type Db } from '../../src/store/db.js';
import type { SlimJob } from '../../src/store/jobs.js';
import { SettingsStore } from '../../src/store/settings.js';
import { FakeNvidiaSmi } from '../helpers/fake-nvidia-smi.js';

describe('GPU accounting', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gflow-gpus-'));
  const smi = new FakeNvidiaSmi(path.join(dir, 'nvidia'), [{ index: 0 }, { index: 1 }]);
  const oldPath = process.env.PATH;
  let db: Db;
  let log: Logger;
  const tokens = new Map<number, string>();
  const ended = new Map([['tok-ended', 5]]);
  const make = (): Gpus =>
    new Gpus({
      lockDir: path.join(dir, 'locks'),
      settings: new SettingsStore(db),
      executor: { tokenOf: (pid) => tokens.get(pid) },
      jobOfToken: (t) => ended.get(t),
      log,
      allowed: null,
      strategy: 'sequential',
      onChange: () => {},
    });
  // Job 1 runs on GPU 0 only.
  const running = [{ id: 1, token: 'tok-1', gpuIds: [0], gpuShared: false, gpuMemoryMb: null, cpus: 1, groupId: null } as unknown as SlimJob];

  before(() => {
    process.env.PATH = `${smi.binDir}:${oldPath}`;
    db = openDatabase(path.join(dir, 'gflow.db'));
    log = new Logger({ file: path.join(dir, 'gflowd.log'), out: new PassThrough() });
  });
  after(() => {
    process.env.PATH = oldPath;
    log.close();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("counts a GPU as busy when a job's process uses a GPU the job was not given, or a leftover of an ended job does", async () => {
    const gpus = make();
    tokens.set(101, 'tok-1').set(102, 'tok-1').set(103, 'tok-ended');
    smi.setProcesses([{ index: 0, pid: 101 }, { index: 1, pid: 102 }]);
    await gpus.refresh();
    let [g0, g1] = gpus.describe(running);
    assert.deepEqual(g0!.foreign, [], "the holder's own process does not block its GPU");
    assert.deepEqual(g1!.foreign, [{ pid: 102, usedMb: 500, ignored: false, job: 1 }]);
    assert.equal(gpus.slots(running)[1]!.usable, false);
    smi.setProcesses([{ index: 1, pid: 103 }]);
    await gpus.refresh();
    [g0, g1] = gpus.describe(running);
    assert.deepEqual(g1!.foreign, [{ pid: 103, usedMb: 500, ignored: false, job: 5 }], 'a leftover of ended job 5');
    assert.equal(gpus.slots([])[1]!.usable, false, 'busy even with no job running');
  });

  it('ignores a process by its pid and start time, so a reused pid is not ignored', async () => {
    const gpus = make();
    const pid = process.pid; // a live process, like a stale foreign one
    smi.setProcesses([{ index: 0, pid }]);
    await gpus.refresh();
    assert.equal(gpus.slots([])[0]!.usable, false);
    gpus.setIgnored(0, pid, true);
    assert.equal(gpus.slots([])[0]!.usable, true);
    // The same pid, but another process (as after pid reuse): its start time differs.
    const settings = new SettingsStore(db);
    const stored = settings.get<{ index: number; pid: number; startTime: string }[]>('ignored_gpu_processes')!;
    settings.set('ignored_gpu_processes', stored.map((p) => ({ ...p, startTime: '1' })));
    assert.equal(gpus.slots([])[0]!.usable, false);
    assert.throws(() => gpus.setIgnored(0, 999_999_999, true), /no process 999999999/);
  });
});
