// A real headless Chromium (Debian's `chromium`, installed by scripts/system-deps.sh) driven by
// playwright-core: one browser per test file, with a fresh profile that is removed afterwards.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.GFLOW_CHROMIUM ?? '/usr/bin/chromium';

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'gflow-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1360, height: 860 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Where the tests put their screenshots (dist/ is not committed). */
export const SHOTS = path.resolve('dist/screenshots');

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Screenshots of the page in light and dark (SHOTS/<name>-light.png, -dark.png), checked: PNGs
 * of the viewport's size with something drawn (a blank page compresses to a few KB), and the
 * dark scheme applied (another background, other pixels).
 */
export async function shootBothSchemes(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  const shots: Buffer[] = [];
  const backgrounds: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    backgrounds.push(await page.evaluate(() => getComputedStyle(document.body).backgroundColor));
    shots.push(await page.screenshot({ path: path.join(SHOTS, `${name}-${scheme}.png`) }));
  }
  await page.emulateMedia({ colorScheme: 'light' });
  const { width, height } = page.viewportSize()!;
  for (const png of shots) {
    assert.ok(png.subarray(0, 8).equals(PNG_SIGNATURE), `${name}: not a PNG`);
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [width, height], `${name}: not the viewport's size`);
    assert.ok(png.length > 20_000, `${name}: ${png.length} bytes, a nearly blank page`);
  }
  assert.notEqual(backgrounds[0], backgrounds[1], `${name}: the dark scheme has the light one's background`);
  assert.ok(!shots[0]!.equals(shots[1]!), `${name}: light and dark look the same`);
}
