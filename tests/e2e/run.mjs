#!/usr/bin/env node
// Browser end-to-end tests: starts the app on real servers (see lib/servers.mjs), drives Debian's
// /usr/bin/chromium with playwright-core, runs every spec in specs/, stops everything (also on
// failure or Ctrl-C) and ends with `e2e: N passed, M failed`.
//
//   node tests/e2e/run.mjs                 all specs
//   node tests/e2e/run.mjs tenant members  only specs whose name contains one of the words
//   node tests/e2e/run.mjs --serve         start the app, print its URL and the logins, wait for Ctrl-C
//   E2E_BASE_URL=http://127.0.0.1:5000 node tests/e2e/run.mjs   against an app that is already running
//
// Screenshots go to test-artifacts/screenshots/ (and test-artifacts/failures/ for failed specs).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Servers } from './lib/servers.mjs';
import { runSpecs } from './lib/runner.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const args = process.argv.slice(2);
const serveOnly = args.includes('--serve');
const filters = args.filter((a) => !a.startsWith('--'));

const started = Date.now();
const tmp = mkdtempSync(join(tmpdir(), 'uh-e2e-'));
const servers = new Servers({ root, tmp });
let stopping = null;

async function shutdown() {
  stopping ??= servers.stop().finally(() => {
    if (!process.env.E2E_KEEP_TMP) rmSync(tmp, { recursive: true, force: true });
  });
  return stopping;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    console.log(`\ne2e: ${signal}, stopping the servers…`);
    void shutdown().then(() => process.exit(130));
  });
}

let exitCode = 1;
try {
  let base = process.env.E2E_BASE_URL;
  let logins = null;
  if (!base) {
    console.log('e2e: starting PostgreSQL, Redis and SeaweedFS…');
    const urls = await servers.startServices();
    const env = servers.appEnv(urls);
    console.log('e2e: migrating and loading the tiny demo counties…');
    ({ base, logins } = await servers.startApp(env));
    console.log(`e2e: app at ${base} (ready after ${((Date.now() - started) / 1000).toFixed(1)} s; logs in ${servers.logDir})`);
  }
  if (serveOnly) {
    console.log(`e2e: serving at ${base}`);
    if (logins) for (const l of logins) console.log(`  ${l.username}\t${l.password}`);
    console.log('e2e: Ctrl-C to stop');
    await new Promise(() => {});
  }
  const artifacts = join(root, 'test-artifacts');
  mkdirSync(join(artifacts, 'screenshots'), { recursive: true });
  const { passed, failed } = await runSpecs({ base, filters, artifacts, specsDir: join(here, 'specs'), root });
  exitCode = failed === 0 && passed > 0 ? 0 : 1;
  console.log(`e2e: total ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
} catch (error) {
  console.error(`e2e: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  console.log('e2e: 0 passed, 1 failed (setup)');
  exitCode = 1;
} finally {
  await shutdown();
}
process.exit(exitCode);
