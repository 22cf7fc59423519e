// Storage faults are said, never absorbed: a damaged database stops the daemon with what to do;
// a database that lost its latest changes never gives a job id out twice; backups can be put back.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openDatabase } from '../../src/store/db.js';
import { Sandbox } from '../helpers/sandbox.js';

describe('storage faults', () => {
  let sb: Sandbox;
  let db: string;
  before(async () => {
    sb = await Sandbox.create();
    db = path.join(sb.stateDir, 'gflow.db');
  });
  after(async () => {
    await sb.cleanup();
  });

  it('backs the database up before a schema upgrade, and gflowd restore puts a backup back', async () => {
    fs.mkdirSync(sb.stateDir, { recursive: true });
    openDatabase(db, 9).close(); // as an older gflow left it
    await sb.up();
    const listed = await sb.ok('gflowd', 'restore');
    assert.match(listed, /gflow-\d{8}T\d{6}Z-schema9\.db/);
    const id = await sb.submit('--', 'true');
    await sb.waitEnded(id);
    const running = await sb.gflowd('restore', 'latest');
    assert.equal(running.code, 1);
    assert.match(running.stderr, /is running on this database[\s\S]*gflowd down/);
    await sb.ok('gflowd', 'down');
    const notBackup = path.join(sb.dir, 'notes.txt');
    fs.writeFileSync(notBackup, 'not a database');
    const refused = await sb.gflowd('restore', notBackup);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /is not a usable gflow backup.*\n.*nothing was changed/);
    assert.match(await sb.ok('gflowd', 'restore', 'latest'), /Restored .*schema9\.db; the database it replaced is kept as .*gflow\.db\.replaced-\d+/);
    await sb.up();
    // The backup predates the job; the job's files are still there, so its id is not given out again.
    const next = await sb.submit('--', 'true');
    assert.ok(next > id, `${next} > ${id}`);
    assert.match(fs.readFileSync(path.join(sb.stateDir, 'gflowd.log'), 'utf8'), new RegExp(`has files of job ${id}: it lost its latest changes`));
    await sb.waitEnded(next);
    await sb.ok('gflowd', 'down');
  });

  it('refuses to start on a damaged database, saying what to do', async () => {
    const file = new Database(db);
    file.pragma('wal_checkpoint(TRUNCATE)');
    file.close();
    // Garbage over the pages after the first: the file is still a database, its tables are not.
    const fd = fs.openSync(db, 'r+');
    const size = fs.fstatSync(fd).size;
    fs.writeSync(fd, Buffer.alloc(size - 4096, 0x5a), 0, size - 4096, 4096);
    fs.closeSync(fd);
    const r = await sb.gflowd('up');
    assert.notEqual(r.code, 0);
    const said = r.stdout + r.stderr + fs.readFileSync(path.join(sb.stateDir, 'gflowd.log'), 'utf8');
    assert.match(said, /is damaged|not a gflow database|malformed/);
    assert.match(said, /gflowd restore|move (it|the file) aside/);
  });
});
