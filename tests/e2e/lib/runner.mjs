// A deliberately small test runner around playwright-core: one Chromium (Debian's, launched with
// the flags DESIGN.md prescribes), a fresh context per test at 1366×768, screenshots on demand
// and on failure, and a summary. Specs are modules in specs/ exporting `tests = [{name, run}]`.
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const VIEWPORT = { width: 1366, height: 768 };
const TEST_TIMEOUT_MS = Number(process.env.E2E_TEST_TIMEOUT_MS ?? 240_000);

function loadPlaywright(root) {
  // playwright-core is a devDependency of the SPA (one lockfile for all JS tooling).
  const require = createRequire(join(root, 'frontend/package.json'));
  return require('playwright-core');
}

function withTimeout(promise, ms, label) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${label}: timed out after ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export async function runSpecs({ base, filters, artifacts, specsDir, root }) {
  const { chromium } = loadPlaywright(root);
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_FLAGS, headless: true });
  const shotsDir = join(artifacts, 'screenshots');
  const failDir = join(artifacts, 'failures');
  mkdirSync(shotsDir, { recursive: true });
  mkdirSync(failDir, { recursive: true });

  const specFiles = readdirSync(specsDir)
    .filter((f) => f.endsWith('.mjs'))
    .sort();
  const all = [];
  for (const file of specFiles) {
    const mod = await import(pathToFileURL(join(specsDir, file)).href);
    for (const test of mod.tests ?? []) all.push({ ...test, file });
  }
  const selected = filters.length ? all.filter((t) => filters.some((f) => `${t.file} ${t.name}`.includes(f))) : all;

  let passed = 0;
  let failed = 0;
  try {
    for (const test of selected) {
      const started = Date.now();
      const context = await browser.newContext({ viewport: VIEWPORT, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
      context.setDefaultTimeout(Number(process.env.E2E_ACTION_TIMEOUT_MS ?? 60_000));
      const page = await context.newPage();
      const pageErrors = [];
      page.on('pageerror', (error) => pageErrors.push(error));
      const slug = `${test.file.replace(/\.mjs$/, '')}--${test.name}`.replace(/[^\w\u4e00-\u9fa5-]+/g, '-');
      const ctx = {
        base,
        page,
        context,
        browser,
        newContext: () => browser.newContext({ viewport: VIEWPORT, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true }),
        /** Save a screenshot of the main screen to test-artifacts/screenshots/<name>.png. */
        shot: async (name, target = page) => {
          await target.waitForTimeout(300); // let animations settle
          await target.screenshot({ path: join(shotsDir, `${name}.png`), fullPage: false });
        },
      };
      try {
        await withTimeout(test.run(ctx), TEST_TIMEOUT_MS, test.name);
        if (pageErrors.length) throw new Error(`uncaught error in the page: ${pageErrors[0].stack ?? pageErrors[0].message}`);
        passed += 1;
        console.log(`  ✓ ${test.file} › ${test.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      } catch (error) {
        failed += 1;
        console.log(`  ✗ ${test.file} › ${test.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
        console.log(`    ${String(error?.stack ?? error).split('\n').slice(0, 8).join('\n    ')}`);
        try {
          await page.screenshot({ path: join(failDir, `${slug}.png`) });
          console.log(`    screenshot: test-artifacts/failures/${slug}.png`);
        } catch {
          // the page is gone
        }
      } finally {
        await context.close().catch(() => {});
      }
    }
  } finally {
    await browser.close().catch(() => {});
  }
  return { passed, failed };
}
