// A flood of refused requests must not erase the daemon's log (issue 17, point 3): 2,000
// requests with 15 KB URLs and a wrong token once rotated all of the log's history away.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Sandbox, useSandbox } from '../helpers/sandbox.js';

function get(port: number, p: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'GET', path: p, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

describe('refused requests and the daemon log', () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s));

  it('keeps the banner and grows by a bounded amount under 2,000 refused requests with 15 KB URLs', async () => {
    const file = path.join(sb.stateDir, 'gflowd.log');
    const banner = fs.readFileSync(file, 'utf8').split('\n')[0]!;
    assert.match(banner, /^gflowd .* pid \d+/);
    const before = fs.statSync(file).size;
    const url = `/v1/jobs?x=${'a'.repeat(15_000)}`;
    let refused = 0;
    for (let round = 0; round < 100; round++) {
      const codes = await Promise.all(Array.from({ length: 20 }, () => get(sb.port, url, { authorization: 'Bearer wrong' })));
      refused += codes.filter((c) => c === 401).length;
    }
    assert.equal(refused, 2000);
    const text = fs.readFileSync(file, 'utf8');
    assert.equal(text.split('\n')[0], banner, 'the banner was rotated away');
    const grown = fs.statSync(file).size - before;
    assert.ok(grown < 8 * 1024, `the log grew by ${grown} bytes`);
    // What is logged names the peer, and the URL is cut.
    assert.match(text, /WARN  peer uid 0: GET \/v1\/jobs\?x=a+… \(15011 chars\): wrong API token/);
    assert.ok(!fs.existsSync(`${file}.1`), 'the log was rotated');
    // The daemon still serves its owner.
    await sb.ok('gflow', 'queue');
  });
});
