// Garbage in the -wal file loses the database's latest commits silently: an acknowledged job
// that never started (held) left no file behind, yet its id is never given out again.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isAlive } from '../../src/executor/proc.js';
import { pollUntil } from '../helpers/wait.js';
import { Sandbox } from '../helpers/sandbox.js';

describe('a damaged -wal file', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await Sandbox.create();
  });
  after(async () => {
    await sb.cleanup();
  });

  it('never gives the id of an acknowledged held job to another job', async () => {
    await sb.up();
    const ran = await sb.submit('--', 'true');
    await sb.waitEnded(ran);
    // A clean stop checkpoints: what follows is in the WAL only.
    await sb.ok('gflowd', 'down');
    const pid = await sb.up();
    const held = await sb.submit('--hold', '--', 'true');
    assert.ok(held > ran);
    process.kill(pid, 'SIGKILL');
    await pollUntil(() => !isAlive(pid), { timeout: 10_000 });

    const wal = path.join(sb.stateDir, 'gflow.db-wal');
    const size = fs.statSync(wal).size;
    assert.ok(size > 32, `the WAL holds the held job's commit (${size} bytes)`);
    // Garbage over every frame after the WAL's header: SQLite drops them all without a word.
    const fd = fs.openSync(wal, 'r+');
    fs.writeSync(fd, Buffer.alloc(size - 32, 0x5a), 0, size - 32, 32);
    fs.closeSync(fd);

    await sb.up();
    assert.equal((await sb.gflow('show', String(held))).code, 1, 'the held job was lost with the WAL');
    const next = await sb.submit('--hold', '--', 'true');
    assert.ok(next > held, `the next job got ${next}, the lost held job had ${held}`);
    assert.match(fs.readFileSync(path.join(sb.stateDir, 'gflowd.log'), 'utf8'), new RegExp(`but ids up to ${held} were given out .*: it lost its latest changes`));
    await sb.ok('gflow', 'cancel', String(next));
  });
});
