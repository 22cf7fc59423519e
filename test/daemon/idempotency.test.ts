// Idempotency records (issue 17, point 12): pruned after a day, and a large answer is never
// stored whole — a retried large request is still answered once, with the same jobs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { Sandbox, useSandbox } from '../helpers/sandbox.js';

function post(port: number, p: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: p, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('idempotency records', () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s));
  const db = (): Database.Database => new Database(path.join(sb.stateDir, 'gflow.db'));
  const auth = (): Record<string, string> => ({ authorization: `Bearer ${fs.readFileSync(path.join(sb.configDir, 'token'), 'utf8').trim()}` });

  it('stores a large answer compactly and still answers a retry once, with the same jobs', async () => {
    const body = { base: { cwd: '/', env: {}, user: 'u', command: ['true'], hold: true }, tasks: Array.from({ length: 400 }, (_, i) => ({ arrayTaskId: i + 1 })) };
    const headers = { ...auth(), 'idempotency-key': 'big-batch-1' };
    const a = await post(sb.port, '/v1/jobs/batch', body, headers);
    assert.equal(a.status, 201, a.body);
    assert.ok(a.body.length > 100_000, `the answer is only ${a.body.length} bytes`);
    const d = db();
    const row = d.prepare('SELECT length(response) AS n FROM idempotency WHERE key = ?').get('big-batch-1') as { n: number };
    d.close();
    assert.ok(row.n < 64 * 1024, `stored ${row.n} bytes`);
    const b = await post(sb.port, '/v1/jobs/batch', body, headers);
    assert.equal(b.status, 201, b.body);
    const ids = (t: string): number[] => (JSON.parse(t) as { jobs: { id: number }[] }).jobs.map((j) => j.id);
    assert.deepEqual(ids(b.body), ids(a.body));
    assert.deepEqual(JSON.parse(b.body), JSON.parse(a.body));
    const all = JSON.parse(await sb.ok('gflow', 'queue', '-a', '--json')) as unknown[];
    assert.equal(all.length, 400);
  });

  it('forgets records older than a day when the daemon starts', async () => {
    const d = db();
    const ins = d.prepare('INSERT INTO idempotency (key, response, created_at) VALUES (?, ?, ?)');
    ins.run('old', JSON.stringify({ status: 200, body: {} }), Date.now() - 2 * 24 * 3600_000);
    ins.run('recent', JSON.stringify({ status: 200, body: {} }), Date.now() - 3600_000);
    d.close();
    await sb.ok('gflowd', 'down');
    await sb.up();
    const after = db();
    const keys = (after.prepare('SELECT key FROM idempotency ORDER BY key').all() as { key: string }[]).map((r) => r.key);
    after.close();
    assert.ok(!keys.includes('old'), `kept: ${keys.join(', ')}`);
    assert.ok(keys.includes('recent'));
    assert.match(fs.readFileSync(path.join(sb.stateDir, 'gflowd.log'), 'utf8'), /forgot 1 idempotency record older than a day/);
  });
});
