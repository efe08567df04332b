// Every main screen opens for a federation admin at 1366×768 and shows its data; a screenshot of
// each goes to test-artifacts/screenshots/ to be looked at.
import { login, waitForTableRows } from '../lib/helpers.mjs';

export const tests = [
  {
    name: 'main screens render with data (screenshots)',
    async run({ page, base, shot }) {
      await login(page, base, 'xinxiang.admin');
      await page.getByTestId('home-indicators').waitFor();
      await shot('01-home');

      await page.goto(`${base}/orgs/tree`);
      await page.getByTestId('org-detail-name').waitFor();
      await shot('02-org-tree');

      await page.goto(`${base}/orgs/employers`);
      await waitForTableRows(page);
      await shot('03-employers');

      await page.goto(`${base}/orgs/members`);
      await waitForTableRows(page);
      await shot('04-members');

      await page.getByTestId('member-name').first().click();
      await page.getByTestId('member-detail').waitFor();
      await page.getByTestId('member-transfers').waitFor();
      await shot('05-member-drawer');
      await page.keyboard.press('Escape');

      await page.goto(`${base}/orgs/cadres`);
      await waitForTableRows(page);
      await shot('06-cadres');

      await page.goto(`${base}/orgs/transfers`);
      await waitForTableRows(page);
      await shot('07-transfers');

      await page.goto(`${base}/system/users`);
      await waitForTableRows(page);
      await shot('08-users');

      await page.goto(`${base}/system/audit-log`);
      await waitForTableRows(page);
      await shot('09-audit-log');

      await page.goto(`${base}/dashboard`);
      await page.getByTestId('chart-founding').locator('canvas').waitFor();
      await shot('10-dashboard');
    },
  },
];
