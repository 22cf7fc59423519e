// A running job's process is recorded with its start time. A job recorded without one (started
// by an older gflow, or by a daemon that died before it recorded the pid) is adopted: the start
// time is taken from the pane's live process, and the job can be cancelled as any other.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { readStat } from '../../src/executor/proc.js';
import { useSandbox, type Sandbox } from '../helpers/sandbox.js';
import { pollUntil } from '../helpers/wait.js';

describe("a job's process identity", () => {
  let sb: Sandbox;
  useSandbox((s) => (sb = s));
  const pidStart = (id: number): string | null => {
    const db = new Database(path.join(sb.stateDir, 'gflow.db'), { readonly: true });
    try {
      return (db.prepare('SELECT pid_start FROM jobs WHERE id = ?').get(id) as { pid_start: string | null }).pid_start;
    } finally {
      db.close();
    }
  };

  it("records the start time of the job's process, and adopts a job recorded without one", async () => {
    const id = await sb.submit('--', 'sleep', '300');
    const { pid } = await sb.waitFor(id, (j) => j.state === 'running' && j.pid !== null);
    await pollUntil(() => pidStart(id) !== null, { timeout: 10_000 });
    const start = readStat(pid!)!.startTime;
    assert.equal(pidStart(id), start);

    // The daemon dies; its successor finds the job as an older gflow left it.
    process.kill(await sb.daemonPid(), 'SIGKILL');
    const db = new Database(path.join(sb.stateDir, 'gflow.db'));
    db.prepare('UPDATE jobs SET pid_start = NULL WHERE id = ?').run(id);
    db.close();
    await sb.up();
    const adopted = await sb.job(id);
    assert.deepEqual([adopted.state, adopted.pid], ['running', pid]);
    assert.equal(pidStart(id), start);

    await sb.ok('gflow', 'cancel', String(id));
    assert.equal((await sb.waitEnded(id)).state, 'cancelled');
    await pollUntil(() => readStat(pid!)?.startTime !== start || readStat(pid!)?.state === 'Z', { timeout: 10_000 });
  });
});
