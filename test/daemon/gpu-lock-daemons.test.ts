// Two users' personal daemons on one machine with one GPU: submissions to both at the same
// instant, round after round, and never two jobs on the GPU at once (the GPU's lock decides).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pollUntil } from '../helpers/wait.js';
import type { Job } from '../../src/protocol/job.js';
import { FakeNvidiaSmi } from '../helpers/fake-nvidia-smi.js';
import { BIN, freePort, Sandbox, testUsers, type TestUser } from '../helpers/sandbox.js';
import { requiresUsers } from '../helpers/requires.js';

const users = testUsers(['gflowa', 'gflowb']);
const ROUNDS = 20;

describe('one GPU, two personal daemons', requiresUsers(users), () => {
  let sb: Sandbox;
  const envs = new Map<string, NodeJS.ProcessEnv>();
  const probe = (): string => path.join(sb.dir, 'gpu0');

  before(async () => {
    sb = await Sandbox.shared(users!);
    const smi = new FakeNvidiaSmi(path.join(sb.dir, 'nvidia'), [{ index: 0 }]);
    // Like /tmp/gflow-gpu-locks: anyone may create their lock files there.
    fs.mkdirSync(path.join(sb.dir, 'gpu-locks'), { mode: 0o1777 });
    fs.chmodSync(path.join(sb.dir, 'gpu-locks'), 0o1777);
    fs.mkdirSync(probe(), { mode: 0o1777 });
    fs.chmodSync(probe(), 0o1777);
    fs.writeFileSync(path.join(probe(), 'overlaps'), '', { mode: 0o666 });
    fs.chmodSync(path.join(probe(), 'overlaps'), 0o666);
    for (const u of users!) {
      const home = path.join(sb.dir, u.name);
      fs.mkdirSync(home);
      fs.chownSync(home, u.uid, u.gid);
      const env = {
        GFLOW_MODE: 'personal',
        PATH: `${smi.binDir}:${sb.userEnv(u).PATH}`,
        XDG_DATA_HOME: path.join(home, 'data'),
        XDG_CONFIG_HOME: path.join(home, 'config'),
        GFLOW_PORT: String(await freePort()),
        GFLOW_GPU_LOCK_DIR: path.join(sb.dir, 'gpu-locks'),
      };
      envs.set(u.name, env);
      const r = await sb.as(u, ['up', '--cpus', '2'], { program: BIN.gflowd, env });
      assert.equal(r.code, 0, r.stderr);
    }
  });
  after(async () => {
    for (const u of users ?? []) await sb?.as(u, ['down'], { program: BIN.gflowd, env: envs.get(u.name) });
    await sb?.cleanup();
  });

  const gflow = async (u: TestUser, ...args: string[]): Promise<string> => {
    const r = await sb.as(u, args, { env: envs.get(u.name) });
    if (r.code !== 0) throw new Error(`gflow ${args.join(' ')} as ${u.name}: ${r.stderr}`);
    return r.stdout;
  };

  it(`never runs two jobs on the GPU at once (${ROUNDS} rounds of simultaneous submissions)`, async () => {
    const job = `mkdir ${probe()}/busy 2>/dev/null || echo overlap >> ${probe()}/overlaps; sleep 0.1; rmdir ${probe()}/busy 2>/dev/null; true`;
    for (let round = 0; round < ROUNDS; round++) {
      const ids = await Promise.all(users!.map(async (u) => (JSON.parse(await gflow(u, 'submit', '--json', '-g', '1', '--', 'bash', '-c', job)) as Job).id));
      for (const [i, u] of users!.entries()) {
        let last: Job | undefined;
        await pollUntil(async () => (last = JSON.parse(await gflow(u, 'show', '--json', String(ids[i]))) as Job).state === 'finished', {
          interval: 50,
          timeout: { milliseconds: 20_000, message: `round ${round}: job ${ids[i]} of ${u.name} did not finish: ${JSON.stringify(last)}\n${fs.readFileSync(path.join(sb.dir, u.name, 'data', 'gflow', 'gflowd.log'), 'utf8').slice(-3000)}` },
        });
      }
    }
    assert.equal(fs.readFileSync(path.join(probe(), 'overlaps'), 'utf8'), '', 'two jobs ran on the GPU at once');
  });
});
