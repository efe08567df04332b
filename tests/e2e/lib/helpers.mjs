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
