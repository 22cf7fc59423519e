// Screenshots of the dashboard with a machine at work (four GPUs, jobs in every state, a day of
// samples), in light and dark, for people to look at: dist/screenshots/*.png, and with
// GFLOW_DOCS_SCREENSHOT=1 the README's docs/dashboard.png. The day of samples is made up by the
// test and written to the daemon's database; everything else is the real daemon's.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { FakeNvidiaSmi } from '../helpers/fake-nvidia-smi.js';
import { Sandbox } from '../helpers/sandbox.js';
import { CHROMIUM, launchBrowser, shootBothSchemes, type TestBrowser } from './browser.js';
import { HOW, requires } from '../helpers/requires.js';

/** A day of minute samples shaped like a working machine. */
function seedSamples(dbFile: string, now: number): void {
  const db = new Database(dbFile, { timeout: 5000 });
  try {
    const put = db.prepare('INSERT OR REPLACE INTO samples (at, running, queued, gpus) VALUES (?, ?, ?, ?)');
    const start = now - (now % 60_000) - 24 * 3600_000;
    db.transaction(() => {
      for (let i = 1; i < 24 * 60; i++) {
        const at = start + i * 60_000;
        const h = i / 60;
        const busy = (g: number): boolean => ((h + g * 3.3) % 9) < 6.5 + (g % 2);
        const gpus = [0, 1, 2, 3].map((g) => {
          const on = busy(g);
          const util = on ? Math.round(72 + 20 * Math.sin(i / (17 + g * 5)) + 6 * Math.sin(i / 3.1)) : Math.round(2 * Math.abs(Math.sin(i)));
          return { index: g, util: Math.max(0, Math.min(100, util)), memUsedMb: on ? 14_000 + 3000 * g + Math.round(2000 * Math.sin(i / 40)) : 3, memTotalMb: 24_576 };
        });
        const running = gpus.filter((g) => g.util > 10).length + (i % 97 < 40 ? 1 : 0);
        const queued = Math.max(0, Math.round(3 + 3 * Math.sin(i / 120) + (h > 20 ? 2 : 0)));
        put.run(at, running, queued, JSON.stringify(gpus));
      }
    })();
  } finally {
    db.close();
  }
}

describe('dashboard screenshots', requires(`Chromium at ${CHROMIUM}`, fs.existsSync(CHROMIUM), HOW.systemDeps), () => {
  let sb: Sandbox;
  let browser: TestBrowser;
  let page: Page;
  let base: string;
  let train: number;
  let waiting: number;

  before(async () => {
    let smi: FakeNvidiaSmi;
    ({ sb, smi } = await Sandbox.withGpus([
      { index: 0, utilization: 94, memoryUsedMb: 20_480 },
      { index: 1, utilization: 81, memoryUsedMb: 17_900 },
      { index: 2, utilization: 67, memoryUsedMb: 11_200 },
      { index: 3, utilization: 38, memoryUsedMb: 6_150 },
    ]));
    // Someone's notebook on GPU 3, outside gflow (this test's own process stands in for it).
    smi.setProcesses([{ index: 3, pid: process.pid, usedMb: 6_144 }]);
    await sb.up('--cpus', '8');
    const epochs = `for e in 1 2 3; do for s in 10 40 70 100; do printf '\\rEpoch %d/20 [%-20s] %3d%%' $e $(printf '#%.0s' $(seq 1 $((s/5)))) $s; sleep 0.05; done; printf '  \\033[32mloss=%s\\033[0m acc=%s\\n' 0.$((9-e))12 0.$((6+e))4; done`;
    train = await sb.submit('--name', 'train-resnet50', '--gpus', '1', '-t', '12:00:00', '--', 'bash', '-c', `echo '\x1b[1mresnet50 · imagenet · bs=256\x1b[0m'; ${epochs}; sleep 600`);
    await sb.submit('--name', 'finetune-llama-7b', '--gpus', '1', '--', 'bash', '-c', 'echo loading checkpoint; sleep 600');
    await sb.submit('--name', 'sweep lr=3e-4', '--gpus', '1', '--', 'sleep', '600');
    const prep = await sb.submit('--name', 'preprocess-shards', '--', 'bash', '-c', "echo 'reading shard 17'; echo 'error: shard 17 is truncated' >&2; exit 3");
    await sb.submit('--name', 'tokenize', '--', 'bash', '-c', 'echo done');
    await sb.submit('--name', 'sweep lr=1e-4', '--gpus', '1', '--', 'sleep', '600');
    waiting = await sb.submit('--name', 'sweep lr=3e-5', '--gpus', '1', '--', 'sleep', '600');
    await sb.submit('--name', 'evaluate', '--depends-on', String(train), '--', 'echo', 'eval');
    await sb.submit('--name', 'export-onnx', '--hold', '--', 'echo', 'export');
    await sb.waitEnded(prep);
    seedSamples(path.join(sb.stateDir, 'gflow.db'), Date.now());
    browser = await launchBrowser();
    page = await browser.context.newPage();
    const out = await sb.ok('gflow', 'ui', '--no-open');
    await page.goto(/http:\S+/.exec(out)![0]);
    await page.locator('header .user').waitFor();
    base = `http://127.0.0.1:${sb.port}/ui/`;
  });
  after(async () => {
    await browser?.close();
    await sb?.cleanup();
  });

  it('the queue, a job with its log, the GPUs, the charts, the daemon', async () => {
    await page.goto(`${base}#/?state=all`);
    await page.locator('tr.state-failed').waitFor();
    await page.locator('.summary .stat').first().waitFor();
    await shootBothSchemes(page, 'queue');
    if (process.env.GFLOW_DOCS_SCREENSHOT === '1') await page.screenshot({ path: path.resolve('docs/dashboard.png'), clip: { x: 0, y: 0, width: 1360, height: 560 } });
    await page.goto(`${base}#/job/${train}`);
    await page.waitForFunction(() => document.querySelector('.terminal .xterm-rows')?.textContent?.includes('Epoch 3/20'));
    await shootBothSchemes(page, 'job');
    await page.goto(`${base}#/job/${waiting}`);
    await page.locator('.facts dd', { hasText: 'in the queue' }).waitFor();
    await shootBothSchemes(page, 'job-waiting');
    await page.goto(`${base}#/gpus`);
    await page.locator('.gpu').first().waitFor();
    await shootBothSchemes(page, 'gpus');
    await page.goto(`${base}#/charts`);
    await page.locator('.chart canvas').first().waitFor();
    assert.match(await page.locator('.page.charts p.muted').innerText(), /\d+ samples/);
    await shootBothSchemes(page, 'charts');
    await page.goto(`${base}#/daemon`);
    await page.locator('.facts dd').first().waitFor();
    await shootBothSchemes(page, 'daemon');
  });
});
