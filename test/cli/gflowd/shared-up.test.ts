// `sudo gflowd up && sudo -u alice gflow submit …`: the first command of a user right after the
// shared daemon's start finds it. `gflowd up` returns only once the discovery file names the new
// daemon, and a command that finds root on the port with no discovery file yet waits for it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Job } from '../../../src/protocol/job.js';
import { FakeNvidiaSmi } from '../../helpers/fake-nvidia-smi.js';
import { BIN, Sandbox, testUsers, type TestUser } from '../../helpers/sandbox.js';
import { requiresUsers } from '../../helpers/requires.js';

const users = testUsers(['gflowupa']);

describe('a user right after `gflowd up` of the shared daemon', requiresUsers(users), () => {
  let sb: Sandbox;
  let a: TestUser;
  before(async () => {
    [a] = users as [TestUser];
    sb = await Sandbox.shared(users!);
    // GPUs whose nvidia-smi answers slowly, as on a real machine: the daemon listens well before
    // its start is done.
    const smi = new FakeNvidiaSmi(path.join(sb.dir, 'nvidia'), [{ index: 0 }]);
    const bin = path.join(smi.binDir, 'nvidia-smi');
    fs.writeFileSync(bin, fs.readFileSync(bin, 'utf8').replace('\n', '\nsleep 0.5\n'));
    sb.env.PATH = `${smi.binDir}:${sb.env.PATH ?? ''}`;
  });
  after(async () => {
    await sb?.cleanup();
  });

  // As in the report: the shared daemon on the port a user's own daemon would take.
  const asUser = (args: string[]) => sb.as(a, args, { env: { GFLOW_PORT: String(sb.port) } });

  it('submits at once after each of several starts', async () => {
    for (let round = 0; round < 4; round++) {
      await sb.up();
      const r = await asUser(['submit', '--json', '--hold', '--', 'true']);
      assert.equal(r.code, 0, `round ${round}: ${r.stderr}`);
      const job = JSON.parse(r.stdout) as Job;
      assert.equal(job.uid, a.uid);
      const found = await sb.as(a, ['show', String(job.id)]); // through the discovery file alone
      assert.equal(found.code, 0, `round ${round}: ${found.stderr}`);
      await sb.ok('gflowd', 'down');
    }
  });

  it('waits for the discovery file when root holds the port and it is not there yet', async () => {
    await sb.up();
    const file = path.join(sb.env.GFLOW_SHARED_DIR!, 'daemon.json');
    const aside = `${file}.aside`;
    fs.renameSync(file, aside);
    // The user's command starts while the file is missing; it appears a moment later, as when
    // a daemon that already listens writes it.
    const cmd = spawn(process.execPath, [BIN.gflow, 'queue'], { env: { ...sb.userEnv(a), GFLOW_PORT: String(sb.port) }, uid: a.uid, gid: a.gid, cwd: a.home });
    sb.track(cmd);
    let stderr = '';
    cmd.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    setTimeout(() => fs.renameSync(aside, file), 500);
    const code = await new Promise<number | null>((r) => cmd.once('exit', r));
    assert.equal(code, 0, stderr);
    await sb.ok('gflowd', 'down');
  });
});
