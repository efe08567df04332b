// Two counties side by side: each admin sees its own county in the header and only its own
// members; a member id of the other county typed into the address bar is "not found".
import { apiGet, assert, login, waitForTableRows } from '../lib/helpers.mjs';

async function firstPageNames(page) {
  const rows = await waitForTableRows(page);
  return rows.locator('[data-testid="member-name"]').allInnerTexts();
}

export const tests = [
  {
    name: 'two tenants see only their own data',
    async run({ page, base, newContext, shot }) {
      await login(page, base, 'xinxiang.admin');
      await page.getByTestId('header-context').getByText('新乡县总工会', { exact: true }).waitFor();

      const other = await newContext();
      try {
        const page2 = await other.newPage();
        await login(page2, base, 'huojia.admin');
        await page2.getByTestId('header-context').getByText('获嘉县总工会', { exact: true }).waitFor();
        assert.equal(await page2.getByTestId('header-context').getByText('新乡县总工会').count(), 0);

        await page.goto(`${base}/orgs/members`);
        await page2.goto(`${base}/orgs/members`);
        const names1 = await firstPageNames(page);
        const names2 = await firstPageNames(page2);
        assert.ok(names1.length > 0 && names2.length > 0, 'both counties have members');

        // The lists come from different registers: no member id in common.
        const { data: m1 } = await apiGet(page, '/api/v1/members?page_size=100');
        const { data: m2 } = await apiGet(page2, '/api/v1/members?page_size=100');
        const ids1 = new Set(m1.map((m) => m.id));
        assert.ok(m2.every((m) => !ids1.has(m.id)), 'member ids of the two counties overlap');
        assert.notDeepEqual(names1, names2, 'both counties list the same members');
        // What the table shows is what the API gave that county.
        assert.deepEqual(names1, m1.slice(0, names1.length).map((m) => m.name));
        assert.deepEqual(names2, m2.slice(0, names2.length).map((m) => m.name));
        await shot('11-members-huojia', page2);

        // One of 新乡县's members, asked for by 获嘉县: the not-found state, nothing of the record.
        const foreign = m1[0];
        await page2.goto(`${base}/orgs/members/${foreign.id}`);
        await page2.getByTestId('member-not-found').waitFor();
        assert.equal(await page2.getByText(foreign.name, { exact: true }).count(), 0, 'the foreign member’s name leaked');
        await shot('12-member-not-found-other-tenant', page2);

        // The owner sees the same URL fine.
        await page.goto(`${base}/orgs/members/${foreign.id}`);
        await page.getByTestId('member-detail-name').getByText(foreign.name).waitFor();
        await shot('13-member-detail-page');
      } finally {
        await other.close();
      }
    },
  },
];
