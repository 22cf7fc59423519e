// The event stream: every change is an event, in order, once — across a reload and a kill -9.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pollUntil } from '../helpers/wait.js';
import type { GflowEvent } from '../../src/protocol/events.js';
import { BIN, Sandbox } from '../helpers/sandbox.js';

/** `gflow events -f --json` as a child process, with what it printed so far. */
function follow(sb: Sandbox, ...args: string[]): { child: ChildProcess; events: () => GflowEvent[] } {
  const child = sb.track(spawn(BIN.gflow, ['events', '-f', '--json', ...args], { env: sb.env, cwd: sb.dir }));
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  return { child, events: () => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as GflowEvent) };
}

async function eventsOf(sb: Sandbox, ...args: string[]): Promise<GflowEvent[]> {
  return (await sb.ok('gflow', 'events', '--json', ...args)).split('\n').filter(Boolean).map((l) => JSON.parse(l) as GflowEvent);
}

function assertInOrderOnce(events: GflowEvent[]): void {
  for (let i = 1; i < events.length; i++) assert.ok(events[i]!.id > events[i - 1]!.id, `event ${events[i]!.id} after ${events[i - 1]!.id}`);
}

describe('events', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await Sandbox.create();
    await sb.up('--cpus', '2');
  });
  after(async () => {
    await sb.cleanup();
  });

  it("tells a job's life in order: submitted, started, ended with its exit code", async () => {
    const id = await sb.submit('--', 'bash', '-c', 'exit 3');
    await sb.waitEnded(id);
    const mine = await eventsOf(sb, '--job', String(id));
    assert.deepEqual(mine.map((e) => e.type), ['job.submitted', 'job.started', 'job.ended']);
    const ended = mine[2]!.data as { state: string; exitCode: number; endedBy: string };
    assert.equal(ended.state, 'failed');
    assert.equal(ended.exitCode, 3);
    assert.equal(ended.endedBy, 'natural');
    assertInOrderOnce(mine);
    assert.ok(mine.every((e) => e.v === 1 && e.job === id && !Number.isNaN(Date.parse(e.at))));
    // The human form names the job and its end.
    const text = await sb.ok('gflow', 'events', '--job', String(id), '--type', 'ended');
    assert.match(text, new RegExp(`job\\.ended\\s+job ${id} .*failed exit 3`));
  });

  it('tells holds, releases, updates and cancels', async () => {
    const id = await sb.submit('--hold', '--', 'true');
    await sb.ok('gflow', 'update', String(id), '--priority', '7');
    await sb.ok('gflow', 'release', String(id));
    const long = await sb.submit('--', 'sleep', '60');
    await sb.waitFor(long, (j) => j.state === 'running');
    await sb.ok('gflow', 'cancel', String(long));
    await sb.waitEnded(long);
    assert.deepEqual((await eventsOf(sb, '--job', String(id))).map((e) => e.type).slice(0, 3), ['job.submitted', 'job.updated', 'job.released']);
    const updated = (await eventsOf(sb, '--job', String(id), '--type', 'updated'))[0]!.data as { fields: string[] };
    assert.deepEqual(updated.fields, ['priority']);
    assert.deepEqual((await eventsOf(sb, '--job', String(long))).map((e) => e.type), ['job.submitted', 'job.started', 'job.cancelled']);
  });

  it('a follower misses nothing and sees nothing twice across gflowd reload', async () => {
    // From a known point, so that nothing before the follower's connection is lost either.
    const from = (await eventsOf(sb, '-n', '1'))[0]!.id;
    const f = follow(sb, '--after', String(from));
    const first = await sb.submit('--', 'true');
    await pollUntil(() => f.events().some((e) => e.job === first), { interval: 50, timeout: 60_000 });
    await sb.ok('gflowd', 'reload');
    const afterReload = await sb.submit('--', 'true');
    await sb.waitEnded(afterReload);
    await pollUntil(() => f.events().some((e) => e.job === afterReload && e.type === 'job.ended'), { interval: 50, timeout: 60_000 });
    f.child.kill();
    const seen = f.events();
    assert.equal(seen[0]!.id, from + 1);
    assertInOrderOnce(seen);
    // Unfiltered, the ids are consecutive: not one event was skipped.
    for (let i = 1; i < seen.length; i++) assert.equal(seen[i]!.id, seen[i - 1]!.id + 1);
    const types = seen.map((e) => e.type);
    for (const t of ['daemon.reload_begun', 'daemon.stopped', 'daemon.lease_taken', 'daemon.reload_done'] as const) assert.ok(types.includes(t), `${t} in ${types.join(' ')}`);
    // And the stored log agrees with what was streamed.
    const stored = await eventsOf(sb, '--after', String(seen[0]!.id - 1), '-n', '100000');
    assert.deepEqual(stored.slice(0, seen.length).map((e) => e.id), seen.map((e) => e.id));
  });

  it('after a kill -9 and gflowd up, a client resumes from its last id with what happened meanwhile', async () => {
    const last = (await eventsOf(sb, '-n', '1'))[0]!.id;
    process.kill(await sb.daemonPid(), 'SIGKILL');
    await sb.up('--cpus', '2');
    const id = await sb.submit('--', 'true');
    await sb.waitEnded(id);
    const missed = await eventsOf(sb, '--after', String(last));
    assert.equal(missed[0]!.id, last + 1);
    assert.ok(missed.some((e) => e.type === 'daemon.started'));
    assert.deepEqual(missed.filter((e) => e.job === id).map((e) => e.type), ['job.submitted', 'job.started', 'job.ended']);
  });

  it('refuses a bad query with a hint, and an unknown type in the CLI', async () => {
    const url = `http://127.0.0.1:${sb.port}/v1/events?after=abc`;
    assert.equal((await fetch(url)).status, 401); // no token: refused before anything else
    const token = fs.readFileSync(path.join(sb.dir, 'config', 'gflow', 'token'), 'utf8').trim();
    const r = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(r.status, 400);
    assert.match(((await r.json()) as { message: string }).message, /after must be a whole number/);
    const bad = await sb.gflow('events', '--type', 'bogus');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown event type 'bogus'/);
  });
});
