// `gflow queue` output people script against: squeue column names and format strings, widths,
// table/json/csv/yaml, sorting and filters; `gflow show` over several jobs. A real daemon.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { localTime } from '../../src/config/local-time.js';
import { columnTable } from '../../src/cli/columns-output.js';
import { parseFormat } from '../../src/cli/columns-format.js';
import type { Job } from '../../src/protocol/job.js';
import { Sandbox } from '../helpers/sandbox.js';

const LONG = 'a-rather-long-experiment-name-that-is-over-thirty-characters';
const ISO_ZONED = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

describe('queue --format and outputs', () => {
  let sb: Sandbox;
  let held: number;
  let done: number;
  let failed: number;
  let me: string;
  const savedTz = process.env.TZ;
  before(async () => {
    // A zone of its own (UTC+8, no daylight saving) so local and UTC times differ.
    process.env.TZ = 'Asia/Shanghai';
    sb = await Sandbox.create({ TZ: 'Asia/Shanghai' });
    await sb.up('--cpus', '2');
    done = await sb.submit('--name', 'train-1', '-P', 'vision', '--', 'true');
    failed = await sb.submit('--name', 'eval-1', '--', 'false');
    await sb.waitEnded(done);
    await sb.waitEnded(failed);
    held = await sb.submit('--name', LONG, '--hold', '-t', '90', '--', 'true');
    me = (await sb.job(held)).user;
  });
  after(async () => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
    await sb.cleanup();
  });

  const lines = (text: string): string[] => text.trimEnd().split('\n');

  it('keeps the default table and does not cut long names when not on a terminal', async () => {
    const out = await sb.ok('gflow', 'queue');
    assert.match(lines(out)[0]!, /^JOBID\s+NAME\s+USER\s+ST\s+TIME\s+NODES\s+NODELIST\(REASON\)$/);
    assert.match(out, new RegExp(`^${held}\\s+${LONG}\\s+${me}\\s+H\\s`, 'm'));
  });

  it('takes squeue column names, in any case, with NAME:N widths', async () => {
    const out = await sb.ok('gflow', 'queue', '-a', '--format', 'JOBID,NAME,ST,TIME,TIMELIMIT,USER,GPUS,NODELIST(REASON)');
    assert.match(lines(out)[0]!, /^JOBID\s+NAME\s+ST\s+TIME\s+TIME_LIMIT\s+USER\s+GPUS\s+NODELIST\(REASON\)$/);
    assert.match(out, new RegExp(`^${held}\\s+${LONG}\\s+H\\s+0:00\\s+1:30:00\\s+${me}\\s+0\\s+\\(held by user\\)$`, 'm'));
    assert.match(out, new RegExp(`^${done}\\s+train-1\\s+CD\\s+\\S+\\s+UNLIMITED\\s`, 'm'));
    const cut = await sb.ok('gflow', 'queue', '-j', String(held), '--format', 'jobid:.8,name:10,st');
    assert.deepEqual(lines(cut), [`   JOBID  NAME        ST`, `${String(held).padStart(8)}  ${LONG.slice(0, 10)}  H`]);
  });

  it("takes squeue's %-format strings, also through -o", async () => {
    for (const args of [['--format', '%.18i %.12j %t %M %R'], ['-o', '%.18i %.12j %t %M %R']]) {
      const out = lines(await sb.ok('gflow', 'queue', '-j', String(held), ...args));
      assert.equal(out[0], `${'JOBID'.padStart(18)}  ${'NAME'.padStart(12)}  ST  TIME  NODELIST(REASON)`);
      assert.equal(out[1], `${String(held).padStart(18)}  ${LONG.slice(0, 12)}  H   0:00  (held by user)`);
    }
  });

  it('prints local times in tables and ISO 8601 with zone in csv, json and yaml', async () => {
    const job = await sb.job(done);
    const fmt = ['--format', 'JOBID,NAME,SUBMIT_TIME,END_TIME,TIME,EXIT_CODE,PROJECT'];
    const table = await sb.ok('gflow', 'queue', '-j', String(done), ...fmt);
    assert.ok(table.includes(localTime(job.submittedAt)), table);
    assert.doesNotMatch(table, /\d{4}-\d\d-\d\dT/);

    const csv = lines(await sb.ok('gflow', 'queue', '-j', String(done), ...fmt, '-o', 'csv'));
    assert.equal(csv[0], 'JOBID,NAME,SUBMIT_TIME,END_TIME,TIME,EXIT_CODE,PROJECT');
    const cells = csv[1]!.split(',');
    assert.equal(cells[0], String(done));
    assert.equal(cells[1], 'train-1');
    assert.match(cells[2]!, ISO_ZONED);
    assert.equal(Date.parse(cells[3]!), Date.parse(job.finishedAt!));
    assert.match(cells[4]!, /^\d+$/);
    assert.deepEqual(cells.slice(5), ['0', 'vision']);

    const json = JSON.parse(await sb.ok('gflow', 'queue', '-j', String(done), ...fmt, '-o', 'json')) as Record<string, unknown>[];
    assert.deepEqual(Object.keys(json[0]!), ['job_id', 'name', 'submit_time', 'end_time', 'time_used', 'exit_code', 'project']);
    assert.match(String(json[0]!.submit_time), ISO_ZONED);
    const yaml = parseYaml(await sb.ok('gflow', 'queue', '-j', String(done), ...fmt, '-o', 'yaml')) as Record<string, unknown>[];
    assert.deepEqual(yaml, json);
  });

  it('gives whole jobs in json and yaml without --format, as --json always has', async () => {
    const a = JSON.parse(await sb.ok('gflow', 'queue', '-a', '-o', 'json')) as Job[];
    const b = JSON.parse(await sb.ok('gflow', 'queue', '-a', '--json')) as Job[];
    assert.deepEqual(a.map((j) => j.id), b.map((j) => j.id));
    const y = parseYaml(await sb.ok('gflow', 'queue', '-a', '-o', 'yaml')) as Job[];
    assert.deepEqual(y.map((j) => [j.id, j.state, j.submittedAt]), b.map((j) => [j.id, j.state, j.submittedAt]));
    const csv = lines(await sb.ok('gflow', 'queue', '-a', '-o', 'csv'));
    assert.equal(csv[0], 'JOBID,NAME,USER,PROJECT,ST,TIME,NODES,NODELIST(REASON)');
    assert.equal(csv.length, 4);
  });

  it('sorts with squeue letters and column names', async () => {
    const ids = async (...args: string[]): Promise<number[]> => (JSON.parse(await sb.ok('gflow', 'queue', '-a', '--json', ...args)) as Job[]).map((j) => j.id);
    assert.deepEqual(await ids('--sort', '-i'), [held, failed, done]);
    assert.deepEqual(await ids('-S', 'NAME'), [held, failed, done]);
    assert.deepEqual(await ids('-S', '-t,i'), [held, failed, done]);
    assert.deepEqual(await ids('-S', 'EXIT_CODE,-i'), [done, failed, held]);
  });

  it('filters by names, project, user and --since', async () => {
    const ids = async (...args: string[]): Promise<number[]> => (JSON.parse(await sb.ok('gflow', 'queue', '--json', ...args)) as Job[]).map((j) => j.id);
    assert.deepEqual(await ids('-a', '-N', 'train-*,eval-1'), [done, failed]);
    assert.deepEqual(await ids('-a', '-P', 'vision'), [done]);
    assert.deepEqual(await ids('-a', '-u', 'nobody'), []);
    assert.deepEqual(await ids('--since', '1h'), [done, failed, held]);
    assert.deepEqual(await ids('--since', '2099-01-01T00:00:00Z'), [held]);
    assert.deepEqual(await ids('-a', '-N', 'train-*,eval-1', '-n', '1'), [failed]);
  });

  it('refuses bad formats, outputs and sort keys with exit code 2 and a hint', async () => {
    for (const args of [['--format', 'JOBID,NOPE'], ['--format', '%.9Y'], ['-o', 'xml'], ['--sort', 'nope'], ['--format', 'NAME:0'], ['--tree', '-o', 'csv']]) {
      const r = await sb.gflow('queue', ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /hint:|does not go/, args.join(' '));
    }
  });

  it('cuts NAME only on a terminal too narrow for the table', () => {
    const job = { id: 7, name: LONG, user: 'u', state: 'queued', reason: null, project: null, startedAt: null, finishedAt: null, gpus: 0 } as unknown as Job;
    const specs = parseFormat('JOBID,NAME,USER,ST');
    assert.ok(columnTable(specs, [job], 0).includes(LONG));
    assert.ok(columnTable(specs, [job], 200).includes(LONG));
    const narrow = columnTable(specs, [job], 40);
    assert.ok(!narrow.includes(LONG));
    for (const l of narrow.trimEnd().split('\n')) assert.ok(l.length <= 40, l);
  });

  it("shows control characters in another user's command as escapes, never raw", () => {
    const job = { id: 8, name: null, command: ['echo', '\x1b]0;owned\x07\x1b[2J\x9b1m'], user: 'u', state: 'queued', reason: null, project: null, startedAt: null, finishedAt: null, gpus: 0 } as unknown as Job;
    const table = columnTable(parseFormat('JOBID,COMMAND'), [job], 0);
    assert.ok(!/[\x1b\x07\x9b]/.test(table), JSON.stringify(table));
    assert.match(table, /echo \\x1b\]0;owned\\x07\\x1b\[2J\\x9b1m/);
  });

  it('gflow show takes several jobs; --json gives a list for several and an object for one', async () => {
    const text = await sb.ok('gflow', 'show', String(done), `${failed},${held}`);
    for (const id of [done, failed, held]) assert.match(text, new RegExp(`^Job: +${id} `, 'm'));
    assert.match(text, /^Submitted: +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/m);
    const many = JSON.parse(await sb.ok('gflow', 'show', '--json', String(done), String(failed))) as Job[];
    assert.deepEqual(many.map((j) => j.id), [done, failed]);
    const one = JSON.parse(await sb.ok('gflow', 'show', '--json', String(done))) as Job;
    assert.equal(one.id, done);
    const missing = await sb.gflow('show', String(done), '999999');
    assert.equal(missing.code, 1);
    assert.match(missing.stdout, new RegExp(`^Job: +${done} `, 'm'));
    assert.match(missing.stderr, /job 999999 does not exist/);
  });
});
