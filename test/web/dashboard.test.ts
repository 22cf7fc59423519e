// The web dashboard in a real headless Chromium, against a real daemon: logging in through the
// link `gflow ui` prints, the queue, a job's live log, a cancel from the page, staying live
// across a `gflowd reload`, and refusing requests without the session or from another site.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { sessionCookieName } from '../../src/protocol/web.js';
import { Sandbox } from '../helpers/sandbox.js';
import { pollUntil } from '../helpers/wait.js';
import { CHROMIUM, launchBrowser, shootBothSchemes, type TestBrowser } from './browser.js';
import { fromPage, send } from './http.js';
import { HOW, requires } from '../helpers/requires.js';

describe('web dashboard', requires(`Chromium at ${CHROMIUM}`, fs.existsSync(CHROMIUM), HOW.systemDeps), () => {
  let sb: Sandbox;
  let browser: TestBrowser;
  let page: Page;
  let base: string;
  const cspErrors: string[] = [];
  const pageErrors: string[] = [];

  const link = async (): Promise<string> => {
    const out = await sb.ok('gflow', 'ui', '--no-open');
    const m = /http:\/\/127\.0\.0\.1:\d+\/ui\/#login=[A-Za-z0-9_-]+/.exec(out);
    assert.ok(m, `no link in: ${out}`);
    return m[0];
  };
  const terminalText = (p: Page): Promise<string> => p.locator('.terminal .xterm-rows').innerText();
  const cookie = async (): Promise<string> => {
    const c = (await browser.context.cookies()).find((x) => x.name === sessionCookieName(sb.port));
    assert.ok(c, 'no session cookie');
    return `${c.name}=${c.value}`;
  };

  before(async () => {
    ({ sb } = await Sandbox.withGpus([{ index: 0, utilization: 0 }, { index: 1 }]));
    await sb.up('--cpus', '4');
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    base = `http://127.0.0.1:${sb.port}/ui/`;
  });
  after(async () => {
    await browser?.close();
    await sb?.cleanup();
  });
  // Each test answers for what its page did: no CSP violation, no script error.
  afterEach(() => {
    const seen = [...cspErrors.splice(0), ...pageErrors.splice(0)];
    assert.deepEqual(seen, [], 'the page hit its Content-Security-Policy or a script error');
  });

  it('logs in through the link, once; the code leaves the address; the token appears nowhere', async () => {
    const url = await link();
    await page.goto(url);
    await page.locator('header .user').waitFor();
    assert.equal(await page.locator('header .user').innerText(), os.userInfo().username);
    assert.ok(!page.url().includes('login='), `the login code stayed in the address: ${page.url()}`);
    const c = (await browser.context.cookies()).find((x) => x.name === sessionCookieName(sb.port))!;
    assert.equal(c.httpOnly, true);
    assert.equal(c.sameSite, 'Strict');
    assert.equal(c.path, '/');
    // The same link again, in a fresh page without the cookie: refused, it worked once.
    const other = await browser.context.browser()?.newContext();
    if (other) {
      const p2 = await other.newPage();
      // Without a session: how to log in, and no error.
      await p2.goto(base);
      await p2.locator('.login-card').waitFor();
      assert.equal(await p2.locator('.login-card .error').count(), 0);
      await p2.goto(url);
      await p2.locator('.login-card .error').waitFor();
      assert.match(await p2.locator('.login-card .error').innerText(), /used already or has expired/);
      await other.close();
    }
    const token = fs.readFileSync(path.join(sb.configDir, 'token'), 'utf8').trim();
    const code = url.split('login=')[1]!;
    assert.ok(!(await page.content()).includes(token), 'the token is in the page');
    const daemonLog = fs.readFileSync(path.join(sb.stateDir, 'gflowd.log'), 'utf8');
    assert.ok(!daemonLog.includes(token) && !daemonLog.includes(code), 'the token or the login code is in the daemon log');
    const res = await send(sb.port, 'GET', '/ui/');
    assert.match(res.headers['content-security-policy'] as string, /script-src 'self'.*style-src 'self'.*frame-ancestors 'none'/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
  });

  it('is opened by `gflow ui` through a one-time address that sends the browser on to the login link', async () => {
    // The "browser" $BROWSER names only writes down the address it is given; the real one opens it.
    const given = path.join(sb.dir, 'browser-was-given');
    const opener = path.join(sb.dir, 'browser.sh');
    fs.writeFileSync(opener, `#!/bin/sh\nprintf %s "$1" > ${given}\n`, { mode: 0o755 });
    const ui = sb.run('gflow', ['ui'], { env: { DISPLAY: ':0', BROWSER: opener } });
    await pollUntil(() => fs.existsSync(given) && fs.readFileSync(given, 'utf8') !== '', { timeout: 20_000 });
    const address = fs.readFileSync(given, 'utf8');
    assert.match(address, /^http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]+$/);
    const fresh = await browser.context.browser()!.newContext();
    try {
      const p = await fresh.newPage();
      await p.goto(address);
      await p.locator('header .user').waitFor();
      assert.equal(await p.locator('header .user').innerText(), os.userInfo().username);
      assert.equal(new URL(p.url()).port, String(sb.port));
      assert.ok(!p.url().includes('login='), p.url());
      const r = await ui;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /The browser has the link/);
      // Once only: the address is gone.
      await assert.rejects(p.goto(address));
    } finally {
      await fresh.close();
    }
  });

  it('shows a submitted job in the queue, without reloading the page', async () => {
    await page.goto(`${base}#/`);
    await page.locator('table.jobs').waitFor();
    const id = await sb.submit('--name', 'shown-in-queue', '--', 'sleep', '300');
    const row = page.locator(`tr[data-job="${id}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), /shown-in-queue/);
    await sb.ok('gflow', 'cancel', String(id));
  });

  it("shows a line of a job's log that the job prints after the page has loaded", async () => {
    const go = path.join(sb.dir, 'go-log');
    const id = await sb.submit('--', 'bash', '-c', `echo started; while [ ! -e ${go} ]; do sleep 0.1; done; printf '\\033[1;32mlate line\\033[0m\\n'; sleep 300`);
    await page.goto(`${base}#/job/${id}`);
    await page.waitForFunction(() => document.querySelector('.terminal .xterm-rows')?.textContent?.includes('started'));
    assert.ok(!(await terminalText(page)).includes('late line'));
    fs.writeFileSync(go, '');
    await page.waitForFunction(() => document.querySelector('.terminal .xterm-rows')?.textContent?.includes('late line'));
    await sb.ok('gflow', 'cancel', String(id));
  });

  it('cancels a running job from the page, after asking', async () => {
    const id = await sb.submit('--name', 'to-cancel', '--', 'sleep', '300');
    await sb.waitFor(id, (j) => j.state === 'running');
    await page.goto(`${base}#/job/${id}`);
    await page.locator('button[data-action="cancel"]').click();
    await page.locator('dialog[open] button[data-confirm="yes"]').click();
    const ended = await sb.waitEnded(id);
    assert.equal(ended.state, 'cancelled');
    await page.locator('.job-head .pill.cancelled').waitFor();
    assert.equal(await page.locator('button[data-action="cancel"]').count(), 0);
    assert.equal(await page.locator('button[data-action="redo"]').count(), 1);
  });

  it('redoes an ended job from the page, which then runs (with a login environment)', async () => {
    const id = await sb.submit('--name', 'to-redo', '--', 'bash', '-c', 'echo "home=$HOME"; ls / >/dev/null');
    assert.equal((await sb.waitEnded(id)).state, 'finished');
    await page.goto(`${base}#/job/${id}`);
    await page.locator('button[data-action="redo"]').click();
    await page.locator('dialog[open] button[data-confirm="yes"]').click();
    await page.waitForURL((u) => /#\/job\/\d+$/.test(u.hash) && u.hash !== `#/job/${id}`);
    const again = Number(/#\/job\/(\d+)$/.exec(page.url())![1]);
    const ended = await sb.waitEnded(again);
    assert.equal(ended.state, 'finished', `the redone job ${again} ended ${ended.state} (exit ${ended.exitCode})`);
    assert.equal(ended.redoneFrom, id);
    await page.waitForFunction(() => document.querySelector('.terminal .xterm-rows')?.textContent?.includes('home=/'));
  });

  it('offers only what the state allows: release a held job, and nothing happens when the question is declined', async () => {
    const id = await sb.submit('--name', 'held', '--hold', '--', 'sleep', '300');
    await page.goto(`${base}#/job/${id}`);
    await page.locator('.job-head .pill.hold').waitFor();
    assert.deepEqual(await page.locator('.actions button').evaluateAll((bs) => bs.map((b) => (b as HTMLElement).dataset.action)), ['release', 'cancel']);
    await page.locator('button[data-action="cancel"]').click();
    await page.locator('dialog[open] button[data-confirm="no"]').click();
    await page.locator('button[data-action="release"]').click();
    await page.locator('dialog[open] button[data-confirm="yes"]').click();
    await page.locator('.job-head .pill.queued, .job-head .pill.running').waitFor();
    const job = await sb.job(id);
    assert.ok(job.state === 'queued' || job.state === 'running', job.state);
    await sb.ok('gflow', 'cancel', String(id));
  });

  it('keeps updating across a gflowd reload: the queue, and a followed log', async () => {
    const go = path.join(sb.dir, 'go-reload');
    const id = await sb.submit('--', 'bash', '-c', `echo before-reload; while [ ! -e ${go} ]; do sleep 0.1; done; echo after-reload; sleep 300`);
    await page.goto(`${base}#/job/${id}`);
    await page.waitForFunction(() => document.querySelector('.terminal .xterm-rows')?.textContent?.includes('before-reload'));
    const before = await sb.daemonPid();
    await sb.ok('gflowd', 'reload');
    assert.notEqual(await sb.daemonPid(), before);
    fs.writeFileSync(go, '');
    await page.waitForFunction(() => document.querySelector('.terminal .xterm-rows')?.textContent?.includes('after-reload'));
    const text = await terminalText(page);
    assert.equal(text.split('before-reload').length - 1, 1, 'a line was shown twice after the reload');
    await page.goto(`${base}#/`);
    await page.locator('table.jobs').waitFor();
    await page.locator('header .conn.live').waitFor();
    await sb.ok('gflowd', 'reload');
    // Back on the event stream by itself (EventSource reconnects with Last-Event-ID).
    await page.locator('header .conn.live').waitFor();
    const next = await sb.submit('--name', 'after-the-reload', '--', 'sleep', '300');
    await page.locator(`tr[data-job="${next}"]`).waitFor();
    await sb.ok('gflow', 'cancel', `${id},${next}`);
  });

  it('refuses requests without the session cookie, or from another site', async () => {
    const id = await sb.submit('--name', 'target', '--', 'sleep', '300');
    await sb.waitFor(id, (j) => j.state === 'running');
    const jar = await cookie();
    const cancel = `/v1/jobs/${id}/cancel`;
    // No cookie, no token.
    assert.equal((await send(sb.port, 'GET', '/v1/jobs')).status, 401);
    // A web page's request without the session: refused as such.
    assert.equal((await send(sb.port, 'POST', cancel, { origin: `http://127.0.0.1:${sb.port}`, 'x-gflow-ui': '1' }, '{}')).status, 403);
    // The page's own requests work.
    assert.equal((await send(sb.port, 'GET', '/v1/jobs', fromPage(sb.port, jar, 'GET'))).status, 200);
    // With the cookie, but from elsewhere.
    const attempts: [string, Record<string, string>][] = [
      ['another origin', { ...fromPage(sb.port, jar, 'POST'), origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' }],
      ['another port of this host (same site)', { ...fromPage(sb.port, jar, 'POST'), origin: 'http://127.0.0.1:1', 'sec-fetch-site': 'same-site' }],
      ['no dashboard header (a form)', { cookie: jar, origin: `http://127.0.0.1:${sb.port}`, 'sec-fetch-site': 'same-origin' }],
      ['no origin', { cookie: jar, 'x-gflow-ui': '1' }],
      ['a rebound host name', { ...fromPage(sb.port, jar, 'POST'), host: `evil.example:${sb.port}`, origin: `http://evil.example:${sb.port}` }],
    ];
    for (const [what, headers] of attempts) {
      const res = await send(sb.port, 'POST', cancel, headers, '{}');
      assert.equal(res.status, 403, `${what}: ${res.status} ${res.body}`);
    }
    assert.equal((await send(sb.port, 'GET', '/v1/jobs', { ...fromPage(sb.port, jar, 'GET'), host: `evil.example:${sb.port}` })).status, 403);
    // A page of another origin in the same browser (which holds the session) tries it too.
    const evil = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>evil</title>');
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    try {
      const evilPage = await browser.context.newPage();
      await evilPage.goto(`http://127.0.0.1:${(evil.address() as { port: number }).port}/`);
      const outcome = await evilPage.evaluate(async (target) => {
        const results: string[] = [];
        for (const init of [
          { method: 'POST', mode: 'no-cors', credentials: 'include', body: '{}' },
          { method: 'POST', mode: 'cors', credentials: 'include', headers: { 'x-gflow-ui': '1' }, body: '{}' },
        ] as RequestInit[]) {
          try {
            const r = await fetch(target, init);
            results.push(`${r.type} ${r.status}`);
          } catch (e) {
            results.push(`blocked: ${(e as Error).message}`);
          }
        }
        return results;
      }, `http://127.0.0.1:${sb.port}${cancel}`);
      await evilPage.close();
      assert.equal(outcome.length, 2);
    } finally {
      evil.close();
    }
    assert.equal((await sb.job(id)).state, 'running', 'a request from another site cancelled the job');
    await sb.ok('gflow', 'cancel', String(id));
  });

  it('keeps a sample a minute for the charts, from the start', async () => {
    const res = await send(sb.port, 'GET', '/v1/samples', fromPage(sb.port, await cookie(), 'GET'));
    assert.equal(res.status, 200);
    const { samples } = JSON.parse(res.body) as { samples: { running: number; gpus: unknown[] }[] };
    assert.ok(samples.length >= 1);
    assert.equal(samples[0]!.gpus.length, 2);
    await page.goto(`${base}#/charts`);
    await page.locator('.chart canvas').first().waitFor();
    assert.equal(await page.locator('.chart figcaption').count(), 3); // jobs, GPU 0, GPU 1
  });

  it('runs every view under its strict Content-Security-Policy, without a violation or a script error', async () => {
    const id = await sb.submit('--name', 'csp-view', '--', 'bash', '-c', 'echo in-the-log');
    await sb.waitEnded(id);
    const views: [string, string][] = [['#/?state=all', `tr[data-job="${id}"]`], [`#/job/${id}`, '.terminal .xterm-rows'], ['#/gpus', '.gpu'], ['#/charts', '.chart canvas'], ['#/daemon', '.facts dd']];
    for (const [view, drawn] of views) {
      await page.goto(`${base}${view}`);
      await page.locator(drawn).first().waitFor();
      if (view.startsWith('#/job/')) await page.waitForFunction(() => document.querySelector('.terminal .xterm-rows')?.textContent?.includes('in-the-log'));
    }
    assert.deepEqual([...cspErrors, ...pageErrors], []);
  });

  it('draws the queue with its jobs in light and dark (screenshots)', async () => {
    const held = await sb.submit('--name', 'shot-held', '--hold', '--', 'true');
    const done = await sb.submit('--name', 'shot-done', '--', 'true');
    await sb.waitEnded(done);
    await page.goto(`${base}#/?state=all`);
    for (const [id, name, label] of [[held, 'shot-held', 'held'], [done, 'shot-done', 'finished']] as const) {
      const row = page.locator(`tr[data-job="${id}"]`);
      await row.waitFor();
      assert.deepEqual([await row.locator('td.name').innerText(), await row.locator('.pill').innerText()], [name, label]);
    }
    await shootBothSchemes(page, 'dashboard-test-queue'); // screenshots.test.ts makes the queue-*.png people look at
    await sb.ok('gflow', 'cancel', String(held));
  });
});
