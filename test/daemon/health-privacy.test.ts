// What `GET /health` (no token needed) tells whom (issue 17, point 4; README, Security): the
// owner everything, a shared daemon's other users what their `gflowd status` needs, never the
// scheduling state; other users of a personal daemon are refused.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { BIN, Sandbox, testUsers } from '../helpers/sandbox.js';
import { requiresUsers } from '../helpers/requires.js';

const users = testUsers(['gflowa']);

function health(port: number): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/health', agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    }).on('error', reject);
  });
}

// The same request, made by another local user.
const AS_OTHER = `require('http').get({host:'127.0.0.1',port:+process.argv[1],path:'/health',agent:false},(r)=>{let t='';r.on('data',(c)=>t+=c);r.on('end',()=>console.log(JSON.stringify({status:r.statusCode,body:JSON.parse(t)})))})`;

describe('/health without a token', requiresUsers(users), () => {
  const u = users![0]!;
  let sb!: Sandbox;
  let shared!: Sandbox;
  before(async () => {
    sb = await Sandbox.create();
    await sb.up();
    shared = await Sandbox.shared([u]);
    await shared.up();
  });
  after(async () => {
    await sb?.cleanup();
    await shared?.cleanup();
  });
  const other = async (port: number): Promise<{ status: number; body: Record<string, unknown> }> => {
    const r = await sb.as(u, ['-e', AS_OTHER, String(port)], { program: process.execPath, cwd: '/' });
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as { status: number; body: Record<string, unknown> };
  };

  it('tells the owner everything', async () => {
    for (const s of [sb, shared]) {
      const h = await health(s.port);
      assert.equal(h.status, 200);
      assert.deepEqual(Object.keys(h.body).sort(), ['mode', 'pid', 'protocol', 'scheduling', 'startedAt', 'status', 'version']);
    }
  });

  it("refuses another user at a personal daemon", async () => {
    const h = await other(sb.port);
    assert.equal(h.status, 403);
    assert.equal(h.body.code, 'forbidden');
  });

  it("tells a shared daemon's other users what their gflowd status needs, not the scheduling state", async () => {
    const h = await other(shared.port);
    assert.equal(h.status, 200);
    assert.deepEqual(Object.keys(h.body).sort(), ['mode', 'pid', 'protocol', 'startedAt', 'status', 'version']);
    const st = await shared.as(u, [BIN.gflowd, 'status', '--json'], { program: process.execPath });
    assert.equal(st.code, 0, st.stderr);
    assert.equal((JSON.parse(st.stdout) as { running: boolean }).running, true);
  });
});
