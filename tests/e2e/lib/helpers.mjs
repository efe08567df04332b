// Shared steps of the specs.
import assert from 'node:assert/strict';

export const DEMO_PASSWORD = 'Demo@2026';

/** Sign in through the login form and wait for the signed-in shell. */
export async function login(page, base, username, password = DEMO_PASSWORD) {
  // Start signed out: the context may still hold an earlier spec's session (/login would redirect).
  await page.context().clearCookies();
  await page.goto(`${base}/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.locator('button[type="submit"]').click();
  await page.getByTestId('current-user').waitFor();
}

/** JSON from the API with the page's session cookie (for setting up and cross-checking). */
export async function apiGet(page, path) {
  const response = await page.request.get(new URL(path, page.url()).href);
  assert.equal(response.status(), 200, `GET ${path} → ${response.status()}`);
  return { data: await response.json(), headers: response.headers() };
}

/** Rows of the ProTable on the page once loaded (the body cells of its first column with text). */
export async function waitForTableRows(page, scope = page) {
  const rows = scope.locator('.ant-table-tbody tr.ant-table-row');
  await rows.first().waitFor();
  return rows;
}

export async function expectText(locator, text, message) {
  await locator.filter({ hasText: text }).first().waitFor({ timeout: 30_000 }).catch(() => {
    throw new Error(message ?? `expected "${text}"`);
  });
}

/** A valid GB 11643 ID number for a birth date (check digit computed), region 410721 (新乡县). */
export function makeIdNumber(birth = '19900101', seq = '123', region = '410721') {
  const body = `${region}${birth}${seq}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = body.split('').reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}

export { assert };

// ---- imports, evidence, jobs (additive helpers) ------------------------------------------------
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');

/** A package installed for the SPA (exceljs, …): one lockfile for all JS tooling. */
export function frontendRequire(name) {
  return createRequire(join(repoRoot, 'frontend/package.json'))(name);
}

/** Write an .xlsx with exceljs: `rows[0]` is the header. Cells given as strings stay text. */
export async function writeXlsx(path, rows, sheetName = '会员') {
  const ExcelJS = frontendRequire('exceljs');
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheetName);
  for (const row of rows) ws.addRow(row);
  await wb.xlsx.writeFile(path);
  return path;
}

/**
 * The cell texts of the first sheet of an .xlsx file, row by row, and the sheet names. Read from
 * the XML parts directly (exceljs cannot open workbooks whose cells carry openpyxl comments, which
 * the annotated copies do).
 */
export async function readXlsx(path) {
  const { readFileSync } = await import('node:fs');
  const JSZip = frontendRequire('jszip');
  const zip = await JSZip.loadAsync(readFileSync(path));
  const text = async (name) => (zip.file(name) ? zip.file(name).async('string') : '');
  const unescape = (v) =>
    v
      .replace(/&#x([0-9a-fA-F]+);/g, (_, h) => String.fromCodePoint(parseInt(h, 16)))
      .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
      .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  const runs = (xml) => [...xml.matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g)].map((m) => unescape(m[1])).join('');
  const shared = [...(await text('xl/sharedStrings.xml')).matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => runs(m[1]));
  const book = await text('xl/workbook.xml');
  const sheets = [...book.matchAll(/<sheet\b[^>]*\bname="([^"]*)"/g)].map((m) => unescape(m[1]));
  const firstSheet = Object.keys(zip.files).filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n)).sort()[0];
  const xml = await text(firstSheet);
  const col = (ref) => [...ref.replace(/\d+/g, '')].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
  const rows = [];
  for (const row of xml.matchAll(/<row\b[^>]*>([\s\S]*?)<\/row>/g)) {
    const cells = [];
    for (const c of row[1].matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const attrs = c[1];
      const body = c[2] ?? '';
      const ref = /\br="([A-Z]+\d+)"/.exec(attrs)?.[1];
      const type = /\bt="(\w+)"/.exec(attrs)?.[1];
      const v = /<v>([\s\S]*?)<\/v>/.exec(body)?.[1];
      let value = null;
      if (type === 's' && v !== undefined) value = shared[Number(v)];
      else if (type === 'inlineStr') value = runs(body);
      else if (v !== undefined) value = unescape(v);
      if (ref) cells[col(ref)] = value;
    }
    if (cells.some((v) => v !== null && v !== undefined && v !== '')) rows.push(Array.from(cells, (v) => v ?? null));
  }
  return { sheets, rows };
}

export function sha256Hex(buffer) {
  return createHash('sha256').update(buffer).digest('hex');
}

/** POST/DELETE with the page's session and CSRF cookie (for setting up and cleaning up). */
export async function apiSend(page, method, path, data) {
  const cookies = await page.context().cookies();
  const csrf = cookies.find((c) => c.name === 'csrf_token')?.value ?? '';
  const response = await page.request.fetch(new URL(path, page.url()).href, {
    method,
    headers: { 'X-CSRF-Token': csrf },
    ...(data === undefined ? {} : { data }),
  });
  // A 204 may still say application/json: only a body is parsed.
  const body = response.headers()['content-type']?.includes('json') ? await response.text() : '';
  return { status: response.status(), data: body ? JSON.parse(body) : null };
}

/** Poll `fn` until it returns a truthy value (or time runs out). */
export async function eventually(fn, { timeout = 60_000, interval = 500, message = 'condition not met in time' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(message);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Pick an option of an Ant Design Select: click `trigger` to open it (unless a dropdown is open), click
 * the option matching `optionSelector` (inside the dropdown), and wait for `selected` (the control showing
 * the choice). A click that lands while the dropdown is still sliding in can be lost: then it is tried
 * again, up to `attempts` times. */
export async function selectOption(page, trigger, optionSelector, selected, { attempts = 3 } = {}) {
  for (let attempt = 1; ; attempt++) {
    const dropdown = page.locator('.ant-select-dropdown:visible');
    if (!(await dropdown.count())) await trigger.click();
    const option = dropdown.locator(optionSelector).first();
    await option.waitFor();
    await option.click();
    try {
      await selected.waitFor({ timeout: 3_000 });
      return;
    } catch (err) {
      if (attempt >= attempts) throw err;
    }
  }
}

/** Pick an org in a tree select: the field labelled `fieldLabel` (within `scope`: the page or a dialog)
 * is searched for `search`, and the tree node showing `optionText` is clicked. */
export async function pickOrg(page, scope, fieldLabel, search, optionText) {
  const input = scope.getByLabel(fieldLabel, { exact: true });
  await input.click();
  await input.fill(search);
  const option = page.locator('.ant-select-tree-node-content-wrapper').filter({ hasText: optionText }).first();
  await option.waitFor();
  await option.click();
}
