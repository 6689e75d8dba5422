/**
 * `npm run screenshots`: renders each scenario (scripts/screenshots/scenarios.ts) with the
 * real renderers, frames it as the GitHub page a reviewer reads it on, and saves a full-page
 * PNG in docs/screenshots/ with Debian's headless Chromium. Nothing leaves the machine: the
 * page is set as content, with its CSS inlined.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { PAGE_WIDTH, pageHtml } from './screenshots/page.js';
import { SCENARIOS } from './screenshots/scenarios.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUT_DIR = join(import.meta.dirname, '..', 'docs', 'screenshots');
// No first-run work, no background traffic, no GPU: the same picture on every machine.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    console.error(`Chromium not found at ${CHROMIUM}. Install it with \`apt-get install -y chromium fonts-noto-color-emoji\` (Debian), or set CHROMIUM_PATH.`);
    process.exitCode = 1;
    return;
  }
  await mkdir(OUT_DIR, { recursive: true });
  // A fresh profile each run (playwright passes it as --user-data-dir), removed afterwards.
  const profile = await mkdtemp(join(tmpdir(), 'converge-screenshots-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: PAGE_WIDTH, height: 800 },
    offline: true,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    for (const scenario of SCENARIOS) {
      await page.setContent(pageHtml(scenario.frame()), { waitUntil: 'load' });
      const path = join(OUT_DIR, scenario.file);
      // A string, so the script needs no DOM types: it runs in the page.
      const height = Number(await page.evaluate('document.documentElement.scrollHeight'));
      await page.screenshot({ path, fullPage: true, clip: { x: 0, y: 0, width: PAGE_WIDTH, height: Math.min(height, scenario.maxHeight ?? 2_400) } });
      console.log(`wrote ${path}`);
    }
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}

await main();
