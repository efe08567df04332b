// 会员人数变化 on the statistics page: the chart is drawn and the table beside it holds the API's
// numbers for the user's scope; an org staff user sees its township's series.
import { apiGet, assert, login } from '../lib/helpers.mjs';

export const tests = [
  {
    name: 'members over time: chart and numbers from the API',
    async run({ page, base, shot }) {
      await login(page, base, 'xinxiang.admin');
      await page.goto(`${base}/dashboard`);
      const card = page.getByTestId('members-trend');
      await card.getByTestId('chart-members-trend').locator('canvas').waitFor();
      const { data } = await apiGet(page, '/api/v1/indicators/members-over-time');
      assert.equal(data.series.length, 24);
      const summary = await card.getByTestId('members-trend-summary').innerText();
      assert.ok(summary.includes(String(data.members_now)) && summary.includes(String(data.members_start)), summary);
      // newest month first in the table
      const first = card.getByTestId('members-trend-table').locator('.ant-table-tbody tr.ant-table-row').first();
      const cells = await first.locator('td').allInnerTexts();
      const last = data.series[data.series.length - 1];
      assert.equal(cells[0], last.month);
      assert.equal(Number(cells[1]), last.joined);
      assert.equal(Number(cells[6]), last.members_end);
      await card.scrollIntoViewIfNeeded();
      await shot('34-members-trend');

      await login(page, base, 'xinxiang.staff');
      await page.goto(`${base}/dashboard`);
      await page.getByTestId('chart-members-trend').locator('canvas').waitFor();
      const { data: mine } = await apiGet(page, '/api/v1/indicators/members-over-time');
      const me = (await apiGet(page, '/api/v1/me')).data;
      assert.equal(mine.org.id, me.scope.org_id);
      const text = await page.getByTestId('members-trend-summary').innerText();
      assert.ok(text.includes(String(mine.members_now)), text);
    },
  },
];
