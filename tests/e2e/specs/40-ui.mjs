// Language switch, the lazy org tree with search, and the statistics page.
import { apiGet, assert, login } from '../lib/helpers.mjs';

export const tests = [
  {
    name: 'switching to en-US changes the UI',
    async run({ page, base, shot }) {
      await login(page, base, 'xinxiang.admin');
      await page.goto(`${base}/orgs/members`);
      await page.getByText('工会会员实名登记', { exact: false }).first().waitFor();
      await page.getByText('English', { exact: true }).click();
      await page.getByTestId('header-context').getByText('Organisation', { exact: false }).first().waitFor();
      await page.getByRole('menuitem', { name: /Members/ }).first().waitFor();
      await page.getByText('Real-name register of union members', { exact: false }).waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'en-US');
      await shot('17-members-en-US');
      await page.goto(`${base}/dashboard`);
      await page.getByText('Founding rate (≥25 staff)').first().waitFor();
      await shot('18-dashboard-en-US');
      await page.getByText('中文', { exact: true }).click();
      await page.getByText('组织建设统计', { exact: false }).first().waitFor();
    },
  },
  {
    name: 'the org tree expands lazily and search jumps to an org',
    async run({ page, base, shot }) {
      await login(page, base, 'xinxiang.admin');
      await page.goto(`${base}/orgs/tree`);
      const tree = page.getByTestId('org-tree');
      const township = tree.locator('.ant-tree-treenode').filter({ hasText: '小冀镇总工会' }).first();
      await township.waitFor();
      // The first level opens with an animation; a click during it hits the motion placeholder.
      await page.waitForTimeout(600);
      const before = await tree.locator('.ant-tree-treenode').count();
      await township.locator('.ant-tree-switcher').click();
      await page.waitForFunction(
        (n) => document.querySelectorAll('[data-testid="org-tree"] .ant-tree-treenode').length > n,
        before,
      );
      await township.click();
      await page.getByTestId('org-detail-name').getByText('小冀镇总工会').waitFor();

      const { data: matches } = await apiGet(page, `/api/v1/orgs?q=${encodeURIComponent('机关工会')}&page_size=5`);
      assert.ok(matches.length > 0, 'the demo has an 机关工会');
      const target = matches[matches.length - 1];
      await page.getByTestId('org-search').fill('机关工会');
      await page.getByTestId('org-search-option').filter({ hasText: target.name }).first().click();
      await page.getByTestId('org-detail-name').getByText(target.name).waitFor();
      await tree.locator('.ant-tree-treenode-selected').getByText(target.name).waitFor();
      await shot('19-org-tree-search');
    },
  },
  {
    name: 'the statistics page shows charts with the API’s numbers',
    async run({ page, base, shot }) {
      await login(page, base, 'xinxiang.admin');
      await page.goto(`${base}/dashboard`);
      for (const id of ['chart-founding', 'chart-membership', 'chart-migrant', 'chart-cadres', 'chart-orgs']) {
        await page.getByTestId(id).locator('canvas').waitFor();
      }
      const { data } = await apiGet(page, '/api/v1/indicators');
      const rate = `${Number(data.totals.founding_25_plus.rate).toFixed(2)}%`;
      await page.getByTestId('stat-founding-25').getByText(rate).waitFor();
      // Bars were drawn: the canvas is not blank.
      const painted = await page.getByTestId('chart-founding').locator('canvas').evaluate((canvas) => {
        const ctx = canvas.getContext('2d');
        const { data: px } = ctx.getImageData(0, 0, canvas.width, canvas.height);
        let colored = 0;
        for (let i = 0; i < px.length; i += 4) if (px[i + 3] > 0 && (px[i] !== px[i + 1] || px[i + 1] !== px[i + 2])) colored += 1;
        return colored;
      });
      assert.ok(painted > 500, `the founding-rate chart looks empty (${painted} coloured pixels)`);
      await shot('10-dashboard');
      await page.mouse.wheel(0, 700);
      await shot('20-dashboard-lower');
    },
  },
];
