// Member forms: a bad ID number gets the server's message on the ID number field; a good one
// registers the member. The detail drawer reveals a full ID number (logged) and transfers.
import { apiGet, assert, login, makeIdNumber, pickOrg, waitForTableRows } from '../lib/helpers.mjs';

export const tests = [
  {
    name: 'invalid ID number → error on the id_number field; valid → member registered',
    async run({ page, base, shot }) {
      await login(page, base, 'xinxiang.admin');
      await page.goto(`${base}/orgs/members`);
      await waitForTableRows(page);
      await page.getByTestId('member-create').click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('姓名', { exact: true }).fill('测试会员');
      // Right length and birth date, wrong check digit.
      // A fresh sequence number per run, so reruns against the same database register a new person.
      const valid = makeIdNumber('19900307', String(100 + Math.floor(Math.random() * 900)));
      const wrong = valid.slice(0, 17) + (valid[17] === '0' ? '1' : '0');
      await dialog.getByLabel('身份证号', { exact: true }).fill(wrong);
      await pickOrg(page, page, '所在工会', '振宇', '新乡振宇汽车零部件有限公司工会委员会');
      await dialog.getByRole('button', { name: /保\s*存/ }).click();

      const idItem = dialog.locator('.ant-form-item').filter({ has: page.getByLabel('身份证号', { exact: true }) });
      const error = idItem.locator('.ant-form-item-explain-error');
      await error.waitFor();
      const text = await error.innerText();
      assert.match(text, /校验|身份证/, `unexpected message on the field: ${text}`);
      assert.equal(await dialog.locator('.ant-form-item-explain-error').count(), 1, 'only the ID number field has an error');
      await shot('14-member-form-id-error');

      await dialog.getByLabel('身份证号', { exact: true }).fill(valid);
      await dialog.getByRole('button', { name: /保\s*存/ }).click();
      await page.getByText('已登记会员“测试会员”').waitFor();
      const { data } = await apiGet(page, `/api/v1/members?q=${valid}`);
      assert.equal(data.length, 1);
      assert.equal(data[0].birth_date, '1990-03-07');
    },
  },
  {
    name: 'member drawer: reveal the full ID number (audited) and transfer',
    async run({ page, base, shot }) {
      await login(page, base, 'xinxiang.admin');
      await page.goto(`${base}/orgs/members`);
      await waitForTableRows(page);
      await page.getByTestId('member-name').nth(1).click();
      const drawer = page.getByTestId('member-detail');
      await drawer.waitFor();
      const name = await page.getByTestId('member-detail-name').innerText();

      await drawer.getByTestId('reveal-id-number').click();
      await page.locator('.ant-popconfirm').getByRole('button', { name: /查\s*看/ }).click();
      await drawer.getByText('本次查看已记入操作日志').waitFor();
      const shown = await drawer.getByTestId('member-id-number-value').innerText();
      assert.match(shown.trim(), /^\d{17}[\dX]$/, `full ID number expected, got ${shown}`);

      const currentOrg = await drawer.getByTestId('member-org-name').innerText();
      const target = currentOrg.includes('博远') ? ['振宇', '新乡振宇汽车零部件有限公司工会委员会'] : ['博远', '新乡县博远铸造有限公司工会委员会'];
      await drawer.getByTestId('member-transfer').click();
      const dialog = page.getByRole('dialog').filter({ hasText: '办理组织关系接转' });
      await dialog.waitFor();
      await pickOrg(page, page, '转入工会', target[0], target[1]);
      // A date safely in the past on both the browser's (Beijing) and the server's clock.
      const date = new Date(Date.now() - 3 * 86400_000).toISOString().slice(0, 10);
      const dateInput = dialog.getByLabel('接转日期', { exact: true });
      await dateInput.click();
      await dateInput.fill(date);
      await dateInput.press('Enter');
      await dialog.getByLabel('接转原因', { exact: true }).fill('工作调动');
      await shot('15-transfer-form', page);
      await dialog.getByRole('button', { name: /确认接转/ }).click();
      await page.getByText(`“${name}”已转入${target[1]}`).waitFor();
      await dialog.waitFor({ state: 'hidden' });
      await drawer.getByTestId('member-transfers').getByText(target[1]).first().waitFor();
      await drawer.getByTestId('member-org-name').getByText(target[1], { exact: true }).waitFor();
      await shot('16-member-after-transfer');

      const { data: log } = await apiGet(page, '/api/v1/audit-log?action=member.reveal_id_number&page_size=5');
      assert.ok(log.length >= 1, 'the reveal is in the audit log');
      await page.goto(`${base}/system/audit-log`);
      await waitForTableRows(page);
      await page.getByText('查看完整身份证号').first().waitFor();
      await page.getByText('会员接转').first().waitFor();
      assert.ok(name.length > 0);
    },
  },
  {
    name: 'Excel export of the filtered list and the member register form download',
    async run({ page, base }) {
      await login(page, base, 'xinxiang.admin');
      await page.goto(`${base}/orgs/members`);
      await waitForTableRows(page);
      const [exported] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-excel').click()]);
      assert.match(exported.suggestedFilename(), /^会员名册-\d{8}\.xlsx$/);
      const [form] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-member-register').click()]);
      assert.match(form.suggestedFilename(), /\.xlsx$/);
      assert.match(form.suggestedFilename(), /会员/);
    },
  },
];
