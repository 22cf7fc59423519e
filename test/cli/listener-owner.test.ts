// The CLI sends nothing — no token, no environment — to a program of another user that holds
// its daemon's port (issue 17, point 1): it asks the kernel who listens before it connects.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { Sandbox, testUsers, useSandbox } from '../helpers/sandbox.js';
import { requiresUsers } from '../helpers/requires.js';

const users = testUsers(['gflowa']);

describe('a port held by another user', requiresUsers(users), () => {
  let sb!: Sandbox;
  useSandbox((s) => (sb = s), null);

  it('is refused before anything is sent, saying who holds it', async () => {
    const [a] = users!;
    // gflowa listens on the daemon's port, answers 200 to anything, and reports every byte it gets.
    const impostor = `
      const net = require('node:net');
      net.createServer((s) => s.on('data', (d) => { process.stdout.write('GOT ' + d.length + '\\n'); s.end('HTTP/1.1 200 OK\\r\\ncontent-length: 2\\r\\n\\r\\n{}'); }))
        .listen(${sb.port}, '127.0.0.1', () => process.stdout.write('listening\\n'));`;
    const child = sb.track(spawn(process.execPath, ['-e', impostor], { uid: a!.uid, gid: a!.gid, cwd: '/' }));
    let heard = '';
    await new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => ((heard += d.toString()), /listening/.test(heard) && resolve())));
    const r = await sb.run('gflow', ['submit', '--', 'true'], { env: { AWS_SECRET_ACCESS_KEY: 'do-not-send' } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`port ${sb.port} is held by a program of uid ${a!.uid}, not by your gflowd; nothing was sent`));
    const q = await sb.run('gflow', ['queue']);
    assert.notEqual(q.code, 0);
    assert.doesNotMatch(heard, /GOT/, 'the impostor received bytes');
  });
});
