// Upgrading through `gflowd reload`: the previous release, built from git beside this tree, runs
// the daemon and a job; `gflowd reload` of this tree swaps the daemon for the new code, which
// migrates the database (the schema changed between the two) while the job goes on.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { after, before, describe, it } from 'node:test';
import { isAlive } from '../../../src/executor/proc.js';
import { SCHEMA_VERSION } from '../../../src/store/migrations.js';
import { packageVersion } from '../../../src/version.js';
import { buildRelease, PREVIOUS_RELEASE, type BuiltRelease } from '../../helpers/release.js';
import { Sandbox, type RunResult } from '../../helpers/sandbox.js';

describe(`gflowd reload from release ${PREVIOUS_RELEASE.version} into this one`, () => {
  let sb: Sandbox;
  let old: BuiltRelease;
  const oldRun = (bin: 'gflow' | 'gflowd', ...args: string[]): Promise<RunResult> =>
    new Promise((resolve) => {
      execFile(process.execPath, [old.bin[bin], ...args], { env: sb.env, cwd: sb.dir }, (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: unknown }).code) || 1 : 0, stdout, stderr });
      });
    });
  const oldOk = async (bin: 'gflow' | 'gflowd', ...args: string[]): Promise<string> => {
    const r = await oldRun(bin, ...args);
    assert.equal(r.code, 0, `${PREVIOUS_RELEASE.version}: ${bin} ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const schemaOf = (): number => {
    const db = new Database(path.join(sb.stateDir, 'gflow.db'), { readonly: true });
    try {
      return db.pragma('user_version', { simple: true }) as number;
    } finally {
      db.close();
    }
  };
  const versionOfDaemon = async (): Promise<string> => (JSON.parse(await sb.ok('gflowd', 'status', '--json')) as { version: string }).version;

  before(async () => {
    old = buildRelease(PREVIOUS_RELEASE.commit);
    sb = await Sandbox.create();
    await oldOk('gflowd', 'up', '--cpus', '1');
  });
  after(async () => {
    await sb?.cleanup();
    old?.remove();
  });

  it('keeps the running job, the queue, the history and the API through the upgrade', async () => {
    assert.notEqual(PREVIOUS_RELEASE.version, packageVersion(), 'the previous release has the version of this tree');
    assert.equal(await versionOfDaemon(), PREVIOUS_RELEASE.version);
    const oldSchema = schemaOf();
    assert.ok(oldSchema < SCHEMA_VERSION, `schema ${oldSchema} of ${PREVIOUS_RELEASE.version} is not older than ${SCHEMA_VERSION}: the test no longer covers a migration`);

    const idOf = (out: string): number => Number(/Submitted job (\d+)/.exec(out)![1]);
    const done = idOf(await oldOk('gflow', 'submit', '--', 'echo', 'before the upgrade'));
    await sb.waitFor(done, (j) => j.state === 'finished');
    const running = idOf(await oldOk('gflow', 'submit', '--', 'bash', '-c', 'while [ ! -e go ]; do sleep 0.05; done; echo ran through'));
    const then = await sb.waitFor(running, (j) => j.state === 'running' && j.pid !== null);
    const queued = idOf(await oldOk('gflow', 'submit', '--', 'echo', 'queued before the upgrade'));
    const oldPid = await sb.daemonPid();

    const summary = JSON.parse(await sb.ok('gflowd', 'reload', '--json')) as { oldPid: number; newPid: number };
    assert.equal(summary.oldPid, oldPid);
    assert.equal(isAlive(oldPid), false);
    assert.equal(await versionOfDaemon(), packageVersion());
    assert.equal(schemaOf(), SCHEMA_VERSION);

    // The job did not notice: same process, still running; the queue and history are as they were.
    const now = await sb.job(running);
    assert.deepEqual([now.state, now.pid, now.session], ['running', then.pid, then.session]);
    assert.equal((await sb.job(queued)).state, 'queued');
    assert.equal((await sb.job(done)).state, 'finished');
    assert.equal(await sb.ok('gflow', 'log', String(done)), 'before the upgrade\n');
    // The previous release's CLI still speaks to the new daemon (the protocol did not change).
    assert.match(await oldOk('gflow', 'queue'), new RegExp(`\\b${running}\\b[^]*\\b${queued}\\b`));

    fs.writeFileSync(path.join(sb.dir, 'go'), '');
    assert.equal((await sb.waitEnded(running)).state, 'finished');
    assert.equal(await sb.ok('gflow', 'log', String(running)), 'ran through\n');
    assert.equal((await sb.waitEnded(queued)).state, 'finished');
    assert.equal(await sb.ok('gflow', 'log', String(queued)), 'queued before the upgrade\n');
  });

  it('refuses a reload back into the previous release, whose schema is older, and the running daemon stays', async () => {
    const pid = await sb.daemonPid();
    const r = await oldRun('gflowd', 'reload');
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, new RegExp(`database schema ${SCHEMA_VERSION} is newer than this gflow`));
    assert.match(r.stderr, /the old daemon \d+ keeps running/);
    assert.equal(await sb.daemonPid(), pid);
    assert.equal(await versionOfDaemon(), packageVersion());
    const id = await sb.submit('--', 'echo', 'after the refused downgrade');
    assert.equal((await sb.waitEnded(id)).state, 'finished');
  });
});
