// The dashboard's credentials against another user of the machine, in the form of the attacks:
// a login code scraped from the process table while its owner runs `gflow ui`, a code redeemed
// from another user's connection, and a session cookie replayed from another user's connection
// (browsers send it to every port of 127.0.0.1, so another user's local web server gets it).
// Each is refused with a clear answer, and the victim's code, session and job stay as they were.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Job } from '../../src/protocol/job.js';
import { Sandbox, testUsers, type TestUser } from '../helpers/sandbox.js';
import { pollUntil } from '../helpers/wait.js';
import { fromPage, send, sendAs, type RawAnswer } from './http.js';
import { requiresUsers } from '../helpers/requires.js';

// Users of their own: a sandbox's cleanup kills every process of its users, and test files run
// side by side.
const users = testUsers(['gflowuia', 'gflowuib']);

// Run as the attacker: reads every process's command line over and over until told to stop,
// keeps those of the victim's processes (and any anywhere with a login fragment), and requests
// every loopback address it finds in the victim's command lines, as the attacker.
const SCANNER = `
  const fs = require('node:fs'), http = require('node:http'), path = require('node:path');
  const dir = process.env.SCAN_DIR, victim = Number(process.env.VICTIM_UID);
  const seen = new Set(), tried = [];
  const save = () => { fs.writeFileSync(path.join(dir, 'scan.tmp'), JSON.stringify({ seen: [...seen], tried })); fs.renameSync(path.join(dir, 'scan.tmp'), path.join(dir, 'scan.json')); };
  const attempt = (url) => http.get(url, (res) => { tried.push({ url, status: res.statusCode, location: res.headers.location ?? null }); res.resume(); save(); }).on('error', (e) => { tried.push({ url, error: e.message }); save(); });
  const scan = () => {
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\\d+$/.test(pid) || Number(pid) === process.pid) continue;
      let line, uid;
      try { line = fs.readFileSync('/proc/' + pid + '/cmdline', 'latin1').split('\\0').join(' ').trim(); uid = fs.statSync('/proc/' + pid).uid; } catch { continue; }
      if (!line || seen.has(line) || (uid !== victim && !line.includes('login='))) continue;
      seen.add(line);
      if (uid === victim) for (const m of line.matchAll(/http:\\/\\/127\\.0\\.0\\.1:\\d+\\/\\S*/g)) attempt(m[0]);
    }
  };
  const started = Date.now();
  const loop = () => { scan(); save(); if (fs.existsSync(path.join(dir, 'stop')) || Date.now() - started > 60000) process.exit(0); setTimeout(loop, 2); };
  loop();`;

// The victim's "browser" (BROWSER): records how it was called, lets the attacker's scanner find
// its command line and try the address first, then asks for the address itself, as a browser
// would, and records the answer.
const OPENER = `
  const fs = require('node:fs'), http = require('node:http'), path = require('node:path');
  const dir = process.env.SCAN_DIR, url = process.argv[2], started = Date.now();
  const scanned = () => { try { return JSON.parse(fs.readFileSync(path.join(dir, 'scan.json'), 'utf8')).tried.some((t) => t.url === url); } catch { return false; } };
  const go = () => http.get(url, (res) => { fs.writeFileSync(path.join(dir, 'opened.json'), JSON.stringify({ argv: process.argv.slice(2), status: res.statusCode, location: res.headers.location ?? null })); res.resume(); });
  const wait = () => (scanned() || Date.now() - started > 20000 ? go() : setTimeout(wait, 10));
  wait();`;

describe('dashboard credentials against another user', requiresUsers(users), () => {
  let sb: Sandbox;
  let a: TestUser;
  let b: TestUser;
  const asPage = { origin: '', 'x-gflow-ui': '1' };
  before(async () => {
    assert.ok(users, 'needs root and useradd to create local users');
    [a, b] = users as [TestUser, TestUser];
    sb = await Sandbox.shared(users);
    await sb.up('--cpus', '2');
    asPage.origin = `http://127.0.0.1:${sb.port}`;
  });
  after(async () => {
    await sb?.cleanup();
  });

  const redeem = (u: TestUser, code: string): Promise<RawAnswer> => sendAs(sb, u, 'POST', '/v1/ui/session', asPage, JSON.stringify({ code }));
  const askCode = async (u: TestUser): Promise<string> => {
    const r = await sb.as(u, ['ui', '--no-open']);
    assert.equal(r.code, 0, r.stderr);
    const code = /#login=([A-Za-z0-9_-]+)/.exec(r.stdout)?.[1];
    assert.ok(code, r.stdout);
    return code;
  };
  const refusedAsOtherUser = (r: RawAnswer, what: string): void => {
    assert.equal(r.status, 403, `${what}: ${r.body}`);
    const e = JSON.parse(r.body) as { message: string; hint?: string };
    assert.match(e.message, /belongs to another user/, what);
    assert.match(e.hint ?? '', /account that ran `gflow ui`/, what);
    assert.equal(r.headers['set-cookie'], undefined, what);
  };

  it("finds no login code in the process table while the victim's `gflow ui` opens the browser", async () => {
    const dir = path.join(sb.dir, 'scan');
    fs.mkdirSync(dir, { mode: 0o1777 });
    fs.chmodSync(dir, 0o1777);
    fs.writeFileSync(path.join(dir, 'opener.js'), OPENER, { mode: 0o644 });
    fs.writeFileSync(path.join(dir, 'opener.sh'), `#!/bin/sh\nexec ${process.execPath} ${path.join(dir, 'opener.js')} "$@"\n`, { mode: 0o755 });
    const env = { SCAN_DIR: dir, VICTIM_UID: String(a.uid) };
    const scanning = sb.as(b, ['-e', SCANNER], { program: process.execPath, env });
    try {
      await pollUntil(() => fs.existsSync(path.join(dir, 'scan.json')), { timeout: 20_000 });
      const ui = await sb.as(a, ['ui'], { env: { ...env, DISPLAY: ':0', BROWSER: path.join(dir, 'opener.sh') } });
      assert.equal(ui.code, 0, ui.stderr);
      assert.match(ui.stdout, /The browser has the link/);
      const code = /#login=([A-Za-z0-9_-]+)/.exec(ui.stdout)?.[1];
      assert.ok(code, ui.stdout);

      const opened = JSON.parse(fs.readFileSync(path.join(dir, 'opened.json'), 'utf8')) as { argv: string[]; status: number; location: string | null };
      assert.equal(opened.argv.length, 1);
      const [address] = opened.argv as [string];
      assert.ok(!address.includes(code) && !address.includes('login='), `the browser's command line holds the code: ${address}`);
      fs.writeFileSync(path.join(dir, 'stop'), '');
      assert.equal((await scanning).code, 0);
      const scan = JSON.parse(fs.readFileSync(path.join(dir, 'scan.json'), 'utf8')) as { seen: string[]; tried: { url: string; status?: number; location?: string | null }[] };
      // The attacker did see the victim's commands — the browser's among them — and no code.
      assert.ok(scan.seen.some((l) => l.includes(address)), `the scanner never saw the browser's command line: ${JSON.stringify(scan.seen)}`);
      assert.ok(scan.seen.some((l) => / ui$/.test(l)), 'the scanner never saw `gflow ui`');
      assert.deepEqual(scan.seen.filter((l) => l.includes(code) || l.includes('login=')), []);
      // The address it found answers the attacker with a refusal, and the victim's browser with the link.
      // (The opener may be seen twice, as its shell script and as what that execs.)
      const attempts = scan.tried.filter((t) => t.url === address);
      assert.ok(attempts.length > 0, JSON.stringify(scan.tried));
      assert.deepEqual(attempts.filter((t) => t.status !== 403 || t.location !== null), []);
      assert.equal(opened.status, 302);
      assert.equal(opened.location, `http://127.0.0.1:${sb.port}/ui/#login=${code}`);
      refusedAsOtherUser(await redeem(b, code), "the attacker's redemption");
      const login = await redeem(a, code);
      assert.equal(login.status, 200, login.body);
      assert.equal((JSON.parse(login.body) as { user: string }).user, a.name);
    } finally {
      fs.writeFileSync(path.join(dir, 'stop'), '');
      await scanning;
    }
  });

  it("refuses a victim's login code redeemed from another user's connection, and leaves it to its owner", async () => {
    const code = await askCode(a);
    refusedAsOtherUser(await redeem(b, code), "gflowb's redemption");
    // Not even root's connection takes it: the code is the asking UID's alone.
    const byRoot = await send(sb.port, 'POST', '/v1/ui/session', asPage, JSON.stringify({ code }));
    refusedAsOtherUser(byRoot, "root's redemption");
    const mine = await redeem(a, code);
    assert.equal(mine.status, 200, mine.body);
    assert.equal((JSON.parse(mine.body) as { user: string }).user, a.name);
    assert.equal((await redeem(a, code)).status, 401, 'used twice');
  });

  it("refuses the victim's session cookie replayed from another user's connection; the victim's job and session stay", async () => {
    const login = await redeem(a, await askCode(a));
    assert.equal(login.status, 200, login.body);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const submitted = await sb.as(a, ['submit', '--json', '--', 'bash', '-c', 'echo secret-of-a; sleep 300']);
    assert.equal(submitted.code, 0, submitted.stderr);
    const job = JSON.parse(submitted.stdout) as Job;
    const state = async (): Promise<string> => (JSON.parse(await sb.ok('gflow', 'show', String(job.id), '--json')) as Job).state;
    await pollUntil(async () => (await state()) === 'running', { interval: 50, timeout: 20_000 });

    const get = fromPage(sb.port, cookie, 'GET');
    const post = fromPage(sb.port, cookie, 'POST');
    refusedAsOtherUser(await sendAs(sb, b, 'POST', `/v1/jobs/${job.id}/cancel`, post, '{}'), 'cancel');
    refusedAsOtherUser(await sendAs(sb, b, 'POST', `/v1/jobs/${job.id}/send`, post, JSON.stringify({ text: 'touch /tmp/gflow-pwned', enter: true })), 'send');
    const log = await sendAs(sb, b, 'GET', `/v1/jobs/${job.id}/log?offset=0`, get);
    refusedAsOtherUser(log, 'log');
    assert.ok(!log.body.includes('secret-of-a'));
    refusedAsOtherUser(await sendAs(sb, b, 'GET', '/v1/ui/session', get), 'who');
    refusedAsOtherUser(await sendAs(sb, b, 'POST', '/v1/ui/logout', post, '{}'), 'logout');
    refusedAsOtherUser(await send(sb.port, 'POST', `/v1/jobs/${job.id}/cancel`, post, '{}'), "cancel from root's connection");

    assert.equal(await state(), 'running');
    const who = await sendAs(sb, a, 'GET', '/v1/ui/session', get);
    assert.equal(who.status, 200, who.body);
    assert.equal((JSON.parse(who.body) as { user: string }).user, a.name);
    const cancel = await sendAs(sb, a, 'POST', `/v1/jobs/${job.id}/cancel`, post, '{}');
    assert.ok(cancel.status >= 200 && cancel.status < 300, cancel.body);
  });
});
