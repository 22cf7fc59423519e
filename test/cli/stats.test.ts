// `gflow stats` against a real daemon: counts by end state, success rate, durations, hours,
// per user and project, longest jobs, --since/-P/-u, CSV and JSON; in shared mode each user
// sees their own jobs unless they ask for everyone's. Pure parts (percentiles, sparkline,
// --since) are checked directly.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pty from 'node-pty';
import { parseSince } from '../../src/core/since.js';
import { jobStats, spread, type EndedGroup } from '../../src/core/job-stats.js';
import { sparkline } from '../../src/cli/sparkline.js';
import type { Job } from '../../src/protocol/job.js';
import type { StatsResponse } from '../../src/protocol/stats.js';
import { BIN, Sandbox, testUsers, type TestUser } from '../helpers/sandbox.js';
import { requiresUsers } from '../helpers/requires.js';

describe('gflow stats', () => {
  let sb: Sandbox;
  let ids: number[];
  before(async () => {
    sb = await Sandbox.create();
    await sb.up('--cpus', '2');
    const ok1 = await sb.submit('-P', 'vision', '--name', 'ok1', '--', 'true');
    const ok2 = await sb.submit('-P', 'vision', '--name', 'ok2', '--', 'sleep', '1');
    const bad = await sb.submit('--name', 'bad', '--', 'false');
    const gone = await sb.submit('--name', 'gone', '--hold', '--', 'true');
    await sb.ok('gflow', 'cancel', String(gone));
    ids = [ok1, ok2, bad, gone];
    for (const id of ids) await sb.waitEnded(id);
    // A job still waiting is not in the figures.
    await sb.submit('--hold', '--', 'true');
  });
  after(async () => {
    await sb.cleanup();
  });

  const stats = async (...args: string[]): Promise<StatsResponse> => JSON.parse(await sb.ok('gflow', 'stats', '--json', ...args)) as StatsResponse;

  it('counts ended jobs by state, with success rate, durations and hours, per user and project', async () => {
    const s = await stats();
    const me = (await sb.job(ids[0]!)).user;
    assert.equal(s.total.jobs, 4);
    assert.deepEqual(s.total.byState, { finished: 2, failed: 1, cancelled: 1 });
    assert.equal(s.total.successRate, 2 / 3);
    assert.ok(s.total.runSec.median !== null && s.total.runSec.p90! >= 1, JSON.stringify(s.total.runSec));
    assert.ok(s.total.waitSec.median !== null);
    assert.ok(s.total.cpuHours > 0 && s.total.gpuHours === 0);
    assert.deepEqual(s.users.map((u) => [u.key, u.jobs]), [[me, 4]]);
    assert.deepEqual(s.projects.map((p) => [p.key, p.jobs]), [['', 2], ['vision', 2]]);
    assert.equal(s.longest[0]!.job.id, ids[1]);
    assert.ok(s.longest.every((l) => l.job.id !== ids[3]), 'a job that never ran is not among the longest');
    assert.equal(s.ended.counts.reduce((a, b) => a + b, 0), 4);
    assert.equal(s.since, null);
  });

  it('narrows to a period, a project and a user', async () => {
    assert.equal((await stats('--since', '1h')).total.jobs, 4);
    assert.equal((await stats('--since', 'today')).total.jobs, 4);
    const future = await stats('--since', '2099-01-01');
    assert.equal(future.total.jobs, 0);
    assert.equal(future.total.successRate, null);
    const vision = await stats('-P', 'vision');
    assert.equal(vision.total.jobs, 2);
    assert.equal(vision.total.successRate, 1);
    assert.equal((await stats('-u', 'nobody')).total.jobs, 0);
    assert.equal((await stats('--all-users')).total.jobs, 4);
  });

  it('prints a summary for people, in local time, and CSV rows for tools', async () => {
    const text = await sb.ok('gflow', 'stats', '--since', '1h');
    assert.match(text, /^Jobs ended since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d /);
    assert.match(text, /4 jobs: 2 completed \(CD\), 1 failed \(F\), 1 cancelled \(CA\), 0 timed out \(TO\)/);
    assert.match(text, /success rate 66\.7%/);
    assert.match(text, /^By user$/m);
    assert.match(text, /^By project$/m);
    assert.match(text, /^Longest jobs$/m);
    assert.doesNotMatch(text, /\d{4}-\d\d-\d\dT/);
    // Not a terminal: no sparkline.
    assert.doesNotMatch(text, /ended per hour/);
    const csv = (await sb.ok('gflow', 'stats', '--csv')).trimEnd().split('\n');
    assert.equal(csv[0], 'scope,name,jobs,finished,failed,cancelled,timeout,success_rate,wait_median_sec,wait_p90_sec,run_median_sec,run_p90_sec,gpu_hours,cpu_hours,since,until');
    assert.match(csv[1]!, /^total,all,4,2,1,1,0,0\.666/);
    assert.equal(csv.filter((l) => l.startsWith('project,')).length, 2);
    assert.equal((await sb.ok('gflow', 'stats', '--since', '2099-01-01')).trim().split('\n').at(-1), 'no jobs ended in this period');
  });

  it('draws jobs ended per hour on a terminal, within its width', async () => {
    const term = pty.spawn(process.execPath, [BIN.gflow, 'stats', '--since', '1h'], { cols: 70, rows: 60, env: { ...(sb.env as Record<string, string>), NO_COLOR: '1' } });
    let screen = '';
    term.onData((d) => {
      screen += d;
    });
    const code = await new Promise<number>((r) => term.onExit(({ exitCode }) => r(exitCode)));
    assert.equal(code, 0, screen);
    const line = screen.split(/\r?\n/).find((l) => l.startsWith('ended per hour '));
    assert.ok(line, screen);
    assert.match(line, /│[▁▂▃▄▅▆▇█ ]+│/);
    assert.ok(line.length <= 70, line);
    // (The four jobs may straddle the turn of an hour.)
    assert.match(screen, /one mark = 1 h, tallest = [1-4] jobs/);
  });

  it('refuses bad input with exit code 2', async () => {
    for (const args of [['--since', 'soonish'], ['-u', 'x', '--all-users'], ['--json', '--csv']]) {
      const r = await sb.gflow('stats', ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    }
  });
});

const users = testUsers(['gflowa', 'gflowb']);

describe('gflow stats on a shared daemon', requiresUsers(users), () => {
  let sb: Sandbox;
  let a: TestUser;
  let b: TestUser;
  before(async () => {
    [a, b] = users as [TestUser, TestUser];
    sb = await Sandbox.shared(users!);
    await sb.up('--cpus', '2');
    for (const [u, n] of [[a, 2], [b, 1]] as const) {
      for (let i = 0; i < n; i++) {
        const r = await sb.as(u, ['submit', '--json', '--', 'true']);
        assert.equal(r.code, 0, r.stderr);
        await sb.waitEnded((JSON.parse(r.stdout) as Job).id);
      }
    }
  });
  after(async () => {
    await sb?.cleanup();
  });

  const statsAs = async (u: TestUser, ...args: string[]): Promise<StatsResponse> => {
    const r = await sb.as(u, ['stats', '--json', ...args]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as StatsResponse;
  };

  it("shows the caller's own jobs by default, everyone's with --all-users, one user's with -u", async () => {
    const mine = await statsAs(a);
    assert.equal(mine.user, 'gflowa');
    assert.deepEqual(mine.users.map((u) => [u.key, u.jobs]), [['gflowa', 2]]);
    assert.equal((await statsAs(b)).total.jobs, 1);
    const all = await statsAs(a, '--all-users');
    assert.deepEqual(all.users.map((u) => [u.key, u.jobs]), [['gflowa', 2], ['gflowb', 1]]);
    assert.equal((await statsAs(a, '-u', 'gflowb')).total.jobs, 1);
  });
});

describe('stats figures', () => {
  it('median and p90 are nearest-rank percentiles, nulls left out', () => {
    const values = Array.from({ length: 1001 }, (_, i) => (i * 7919) % 1001);
    assert.deepEqual(spread([values.slice(0, 500), [null, null], values.slice(500)]), { median: 500, p90: 900 });
    assert.deepEqual(spread([[null]]), { median: null, p90: null });
    assert.deepEqual(spread([[5]]), { median: 5, p90: 5 });
    assert.deepEqual(spread([[4, 1, 3, 2]]), { median: 2, p90: 4 });
  });

  it('adds groups up per user and project and finds the longest runs', () => {
    const g = (user: string, project: string | null, state: string, runs: (number | null)[], firstId: number): EndedGroup => ({
      user, project, state, jobs: runs.length, gpuMs: 3_600_000, cpuMs: 7_200_000,
      waitSec: runs.map((r) => (r === null ? null : 1)), runSec: runs, endHour: runs.map(() => 10), ids: runs.map((_, i) => firstId + i),
    });
    const s = jobStats([g('a', 'p', 'finished', [10, 20], 1), g('b', null, 'failed', [30], 3), g('b', 'p', 'cancelled', [null], 4), g('c', null, 'queued', [99], 5)], 10 * 3_600_000, 12 * 3_600_000, 2);
    assert.equal(s.total.jobs, 4);
    assert.equal(s.total.successRate, 2 / 3);
    assert.equal(s.total.gpuHours, 3);
    // Most jobs first, then by name; the queued group is not an ended job.
    assert.deepEqual(s.users.map((u) => [u.key, u.jobs, u.cpuHours]), [['a', 2, 2], ['b', 2, 4]]);
    assert.deepEqual(s.projects.map((p) => [p.key, p.jobs]), [['p', 3], ['', 1]]);
    assert.deepEqual(s.longest, [{ id: 3, runSec: 30 }, { id: 2, runSec: 20 }]);
    assert.deepEqual(s.ended, { start: 10 * 3_600_000, bucketHours: 1, counts: [4, 0, 0] });
  });

  it('draws a sparkline that fits the width', () => {
    assert.equal(sparkline([0, 1, 2, 4, 8], 10).line, ' ▁▂▄█');
    const wide = sparkline(Array.from({ length: 168 }, (_, i) => i % 24), 50);
    assert.ok(wide.line.length <= 50);
    assert.equal(wide.perCell, 4);
  });

  it('reads --since as a span, a day, a local date or ISO with a zone', () => {
    const now = new Date(2026, 10, 22, 15, 30, 0);
    assert.equal(parseSince('7d', now), now.getTime() - 7 * 86_400_000);
    assert.equal(parseSince('12h', now), now.getTime() - 12 * 3_600_000);
    assert.equal(parseSince('today', now), new Date(2026, 10, 22).getTime());
    assert.equal(parseSince('yesterday', now), new Date(2026, 10, 21).getTime());
    assert.equal(parseSince('2026-11-20', now), new Date(2026, 10, 20).getTime());
    assert.equal(parseSince('2026-11-20 08:00', now), new Date(2026, 10, 20, 8).getTime());
    assert.equal(parseSince('2026-11-20T08:00:00Z', now), Date.UTC(2026, 10, 20, 8));
    assert.equal(parseSince('2026-11-20T08:00:00+02:00', now), Date.UTC(2026, 10, 20, 6));
    assert.throws(() => parseSince('later', now), /invalid time 'later'/);
  });
});
