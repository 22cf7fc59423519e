// A job gets its submitter's environment whole, up to what Linux can hand a program: big
// variables, thousands of them, exported bash functions and names bash cannot export. Arrays
// store one copy of it, and a refused request is said in the CLI's words.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { rawRequest } from '../../src/client/client.js';
import { Sandbox, useSandbox } from '../helpers/sandbox.js';

describe('job environment', () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s));
  const db = (): Database.Database => new Database(path.join(sb.stateDir, 'gflow.db'), { readonly: true });

  it('reaches the job whole: a 100 KB variable, 6,000 variables, a bash function, a dotted name', async () => {
    const env: NodeJS.ProcessEnv = { BIG: 'x'.repeat(100 * 1024), 'BASH_FUNC_greet%%': '() {  echo "hello from $1"\n}', 'dotted.name': 'kept' };
    for (let i = 0; i < 6000; i++) env[`V_${i}`] = String(i);
    const script = 'greet gflow; printf "%s\\n" "${#BIG}"; env | grep -c "^V_"; printenv dotted.name';
    const r = await sb.run('gflow', ['submit', '--', 'bash', '-c', script], { env });
    assert.equal(r.code, 0, r.stderr);
    const id = Number(/Submitted job (\d+)/.exec(r.stdout)![1]);
    assert.equal((await sb.waitEnded(id)).state, 'finished');
    assert.equal(await sb.ok('gflow', 'log', String(id)), `hello from gflow\n${100 * 1024}\n6000\nkept\n`);
  });

  it('is stored once for all the tasks of an array, and goes when they end', async () => {
    const big = 'y'.repeat(100 * 1024);
    const r = await sb.run('gflow', ['submit', '--hold', '--array', '1-50', '--', 'true'], { env: { BIG_ARRAY: big } });
    assert.equal(r.code, 0, r.stderr);
    const d = db();
    try {
      const rows = d.prepare("SELECT count(*) AS n, count(DISTINCT env) AS distinct_envs, max(length(env)) AS widest FROM jobs WHERE state = 'hold'").get() as { n: number; distinct_envs: number; widest: number };
      assert.deepEqual([rows.n, rows.distinct_envs], [50, 1]);
      assert.ok(rows.widest < 100, `a job row holds ${rows.widest} bytes of environment`);
      const stored = d.prepare("SELECT refs, length(body) AS bytes FROM job_envs WHERE body LIKE '%BIG_ARRAY%'").all() as { refs: number; bytes: number }[];
      assert.equal(stored.length, 1);
      assert.equal(stored[0]!.refs, 50);
      assert.ok(stored[0]!.bytes > big.length);
    } finally {
      d.close();
    }
    await sb.ok('gflow', 'cancel', '@');
    const d2 = db();
    try {
      assert.equal((d2.prepare("SELECT count(*) AS n FROM job_envs WHERE body LIKE '%BIG_ARRAY%'").get() as { n: number }).n, 0);
    } finally {
      d2.close();
    }
  });

  it('refuses a variable no program could be given, naming it, and queues nothing', async () => {
    // Node cannot even start the CLI with such a variable (E2BIG), so it is sent as a client could.
    const before = await sb.ok('gflow', 'queue', '-a', '--json');
    const token = fs.readFileSync(path.join(sb.configDir, 'token'), 'utf8').trim();
    const res = await rawRequest(sb.port, 'POST', '/v1/jobs', { cwd: sb.dir, env: { HUGE: 'z'.repeat(200 * 1024) }, command: ['true'] }, { authorization: `Bearer ${token}` });
    assert.equal(res.status, 400);
    assert.match((res.body as { message: string }).message, /environment variable HUGE is \d+ KB; Linux passes at most 128 KB/);
    assert.equal(await sb.ok('gflow', 'queue', '-a', '--json'), before);
  });

  it("says a refused field in the CLI's words and exits 2", async () => {
    const r = await sb.gflow('submit', '--time', '400-00:00:00', '--', 'true');
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^gflow: --time: expected a duration from 1 second to 365 days/m);
    assert.doesNotMatch(r.stderr, /timeLimitSec/);
  });
});
