// kill -9 of the daemon at random moments (also in the middle of a reload) while several
// clients submit: every acknowledged job is there exactly once, no job starts twice, no id is
// reused, ended jobs have their real exit codes, running jobs are adopted.
// Rounds: GFLOW_CRASH_ROUNDS (default 30; 10 when CI is set).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pollUntil } from '../helpers/wait.js';
import { isAlive } from '../../src/executor/proc.js';
import type { Job } from '../../src/protocol/job.js';
import { BIN, Sandbox } from '../helpers/sandbox.js';

const ROUNDS = Number(process.env.GFLOW_CRASH_ROUNDS ?? (process.env.CI ? 10 : 30));

describe('crash loop', () => {
  let sb: Sandbox;
  let runs: string;
  before(async () => {
    sb = await Sandbox.create();
    runs = path.join(sb.dir, 'runs');
  });
  after(async () => {
    await sb.cleanup();
  });

  const daemons = (): number[] =>
    sb.processes().filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'gflowd';
      } catch {
        return false;
      }
    });

  const killAll = (): void => {
    for (const pid of daemons()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };

  it(`keeps its promises through ${ROUNDS} rounds of kill -9`, async () => {
    const acknowledged: number[] = [];
    // Each job records that it started, and exits with its id modulo 3.
    const jobCmd = ['--', 'bash', '-c', `echo $GFLOW_JOB_ID >> ${runs}; sleep 0.$((RANDOM % 4)); exit $((GFLOW_JOB_ID % 3))`];
    for (let round = 0; round < ROUNDS; round++) {
      await sb.up('--cpus', '2');
      let stop = false;
      const client = async (): Promise<void> => {
        while (!stop) {
          const r = await sb.gflow('submit', '--json', ...jobCmd);
          if (r.code === 0) acknowledged.push((JSON.parse(r.stdout) as Job).id);
        }
      };
      const clients = [client(), client(), client()];
      let reload: ReturnType<typeof spawn> | undefined;
      if (round % 4 === 3) reload = sb.track(spawn(process.execPath, [BIN.gflowd, 'reload'], { env: sb.env, stdio: 'ignore' }));
      // At least one acknowledged submission per round, then a kill at a random moment.
      const seen = acknowledged.length;
      await pollUntil(() => acknowledged.length > seen, { timeout: 30_000 });
      await new Promise((r) => setTimeout(r, Math.random() * 400));
      // A reload in progress may start a new daemon meanwhile: kill until none is left.
      await pollUntil(() => (killAll(), daemons().every((pid) => !isAlive(pid))), { timeout: 10_000 });
      stop = true;
      await Promise.all(clients);
      if (reload) {
        // The interrupted reload goes on by itself; whatever it started dies too.
        if (reload.exitCode === null) await new Promise((r) => reload!.once('exit', r));
        await pollUntil(() => (killAll(), daemons().every((pid) => !isAlive(pid))), { timeout: 10_000 });
      }

      await sb.up('--cpus', '2');
      const jobs = JSON.parse(await sb.ok('gflow', 'queue', '-a', '--json')) as Job[];
      const ids = jobs.map((j) => j.id);
      assert.equal(new Set(ids).size, ids.length, `round ${round}: an id appears twice`);
      for (const id of acknowledged) assert.ok(ids.includes(id), `round ${round}: acknowledged job ${id} is missing`);
      const started = fs.existsSync(runs) ? fs.readFileSync(runs, 'utf8').split('\n').filter(Boolean) : [];
      assert.equal(new Set(started).size, started.length, `round ${round}: a job started twice`);
      // A job the new daemon just started may end between the listing and this look: then its
      // end must be recorded at once; a stale `running` record is what must never be.
      for (const j of jobs.filter((x) => x.state === 'running' && x.pid !== null && !isAlive(x.pid))) {
        const now = await sb.waitEnded(j.id, 5_000).catch(() => undefined);
        assert.ok(now, `round ${round}: running job ${j.id} has no process`);
      }
      for (const j of jobs.filter((x) => (x.state === 'finished' || x.state === 'failed') && x.exitCode !== null)) {
        assert.equal(j.exitCode, j.id % 3, `round ${round}: job ${j.id} ended with ${j.exitCode}`);
      }
    }
    // Let everything finish, then check the end states once more.
    const all = JSON.parse(await sb.ok('gflow', 'queue', '-a', '--json')) as Job[];
    for (const j of all) await sb.waitEnded(j.id, 60_000);
    const ended = JSON.parse(await sb.ok('gflow', 'queue', '-a', '--json')) as Job[];
    for (const j of ended) {
      if (j.reason === 'lost' || j.state === 'cancelled') continue; // started just before a kill, or never recorded its end
      assert.equal(j.exitCode, j.id % 3, `job ${j.id}: ${JSON.stringify(j)}`);
      assert.equal(j.state, j.id % 3 === 0 ? 'finished' : 'failed');
    }
    const started = fs.readFileSync(runs, 'utf8').split('\n').filter(Boolean);
    assert.equal(new Set(started).size, started.length, 'a job started twice');
    assert.ok(acknowledged.length >= ROUNDS, `only ${acknowledged.length} submissions were acknowledged`);
  });
});
