// The condolence workflow through the SPA: a grassroots union approves its batch, its township approves
// the lines, the county approves and freezes the roster (汇总平衡), posts the notice (公示, masked) and —
// once the window has closed — creates the bank payment file (打卡发放) and imports the bank's answer.
// The campaign and its nominations are set up through the API (the roster screens have their own spec);
// users at the grassroots and township levels are created by the county's admin.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiGet, apiSend, assert, eventually, login, makeIdNumber, readXlsx, writeXlsx } from '../lib/helpers.mjs';

const PASSWORD = 'Workflow#2026e2e';
const NEW_PASSWORD = 'Workflow#2027e2e';

function luhnCard(body15) {
  const digits = `622848${body15}`;
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits + String((10 - (sum % 10)) % 10);
}

function day(offset) {
  const d = new Date(Date.now() + 8 * 3600_000 + offset * 86_400_000); // Beijing date
  return d.toISOString().slice(0, 10);
}

async function makeUser(page, role, orgId, tag) {
  const username = `e2e.wf.${tag}.${Date.now() % 1_000_000}`;
  const created = await apiSend(page, 'POST', '/api/v1/users', {
    username, display_name: tag === 'chair' ? '基层工会审核员' : '镇街工会审核员', password: PASSWORD, role, scope_org_id: orgId,
  });
  assert.equal(created.status, 201, JSON.stringify(created.data));
  return username;
}

/** A created user must change the initial password: do it through the API in a throwaway context. */
async function activate(newContext, base, username) {
  const ctx = await newContext();
  const page = await ctx.newPage();
  await page.goto(`${base}/login`);
  await page.waitForLoadState('networkidle');
  await page.request.get(`${base}/api/v1/auth/csrf`);
  const login1 = await apiSend(page, 'POST', '/api/v1/auth/login', { username, password: PASSWORD });
  assert.equal(login1.status, 200);
  const changed = await apiSend(page, 'POST', '/api/v1/auth/password', { current_password: PASSWORD, new_password: NEW_PASSWORD });
  assert.ok(changed.status < 300, `password change: ${changed.status} ${JSON.stringify(changed.data)}`);
  await ctx.close();
}

async function okAndWait(page, dialogTitle) {
  const dialog = page.getByRole('dialog', { name: dialogTitle });
  await dialog.waitFor();
  await dialog.locator('.ant-modal-footer .ant-btn-primary').click();
  await dialog.waitFor({ state: 'hidden' });
}

export const tests = [
  {
    name: 'condolence workflow: review → freeze → notice → payment file',
    async run({ page, base, shot, newContext }) {
      const downloads = mkdtempSync(join(tmpdir(), 'uh-e2e-wf-'));
      await login(page, base, 'xinxiang.admin');

      // ---- set-up through the API: a township with a grassroots union, their reviewers, a campaign
      const towns = (await apiGet(page, '/api/v1/orgs?org_type=township&page_size=100')).data;
      const unions = (await apiGet(page, '/api/v1/orgs?org_type=grassroots&page_size=100')).data;
      const town = towns.find((t) => unions.some((u) => u.path.startsWith(t.path)));
      const union = unions.find((u) => u.path.startsWith(town.path));
      const chair = await makeUser(page, 'grassroots_chair', union.id, 'chair');
      const staff = await makeUser(page, 'org_staff', town.id, 'staff');
      await activate(newContext, base, chair);
      await activate(newContext, base, staff);

      const campaign = await apiSend(page, 'POST', '/api/v1/condolence/campaigns', {
        name: `E2E元旦春节送温暖${Date.now() % 100000}`, festival: 'spring', year: Number(day(0).slice(0, 4)) + 1,
        budget_cash_fen: 10_000_000, budget_goods_fen: 5_000_000,
        nomination_deadline: new Date(Date.now() + 10 * 86_400_000).toISOString(),
        rules: { require_hardship_file: false, exclude_exited: true, once_per_festival: true, cooldown_months: 0 },
        categories: [{ code: 'ordinary', name: '困难职工', standard_cash_fen: 50000, standard_goods_fen: 30000 }],
        quotas: [{ org_id: town.id, max_households: 50 }],
      });
      assert.equal(campaign.status, 201, JSON.stringify(campaign.data));
      const cid = campaign.data.id;
      assert.equal((await apiSend(page, 'POST', `/api/v1/condolence/campaigns/${cid}/open`)).status, 200);
      const batch = await apiSend(page, 'POST', `/api/v1/condolence/campaigns/${cid}/manual-batches`, { org_id: union.id });
      assert.equal(batch.status, 201, JSON.stringify(batch.data));
      const people = [['王秀英', '19680312', '101'], ['李建国', '19710705', '203'], ['张桂兰', '19650920', '305']].map(([name, birth, seq], i) => ({
        name, id_number: makeIdNumber(birth, seq), bank_card: luhnCard(`00012345678${i}00`.slice(0, 12)), bank_name: '中国农业银行新乡县支行',
        category_code: 'ordinary', reason: '本人患病，家庭收入低', work_unit: '新乡县某纺织厂',
      }));
      for (const p of people) {
        const r = await apiSend(page, 'POST', `/api/v1/condolence/batches/${batch.data.id}/lines`, p);
        assert.equal(r.status, 201, JSON.stringify(r.data));
      }
      assert.equal((await apiSend(page, 'POST', `/api/v1/condolence/batches/${batch.data.id}/submit`)).status, 200);
      await eventually(async () => {
        const { data } = await apiGet(page, `/api/v1/condolence/campaigns/${cid}/lines?check_status=ok&page_size=10`);
        return data.length === 3;
      }, { timeout: 90_000, message: 'the roster job judged the three lines' });

      // ---- grassroots: approve the whole batch
      await login(page, base, chair, NEW_PASSWORD);
      await page.goto(`${base}/condolence/review?campaign=${cid}`);
      await page.getByText('基层工会', { exact: true }).first().waitFor();
      const batches = page.getByTestId('review-batches');
      await batches.locator('.ant-table-row').first().waitFor();
      await shot('75-condolence-review-grassroots');
      await batches.getByTestId('batch-approve').first().click();
      await page.getByText('基层工会审核通过3条').waitFor();

      // ---- township: sees exactly what the grassroots union approved; approves them line by line (bulk)
      await login(page, base, staff, NEW_PASSWORD);
      await page.goto(`${base}/condolence/review?campaign=${cid}`);
      await page.getByRole('tab', { name: '逐条审核' }).click();
      const lines = page.getByTestId('review-lines');
      await lines.locator('.ant-table-row').first().waitFor();
      assert.equal(await lines.locator('.ant-table-row').count(), 3);
      await lines.locator('thead .ant-checkbox-input').check();
      await shot('76-condolence-review-township');
      await page.getByTestId('bulk-approve').click();
      await page.getByText('镇街工会审核通过3条').waitFor();

      // ---- county: approves, balances, freezes
      await login(page, base, 'xinxiang.admin');
      await page.goto(`${base}/condolence/review?campaign=${cid}`);
      await page.getByTestId('review-batches').getByTestId('batch-approve').first().click();
      await page.getByText('县总工会审核通过3条').waitFor();
      await page.goto(`${base}/condolence/balancing?campaign=${cid}`);
      await page.getByTestId('balancing-townships').waitFor();
      await page.getByTestId('chart-township').waitFor();
      await shot('77-condolence-balancing');
      await page.getByTestId('freeze-button').click();
      await page.locator('.ant-popconfirm .ant-btn-primary').click();
      await page.locator('.ant-modal-confirm-title', { hasText: '名单已审定冻结' }).waitFor();
      await page.locator('.ant-modal-confirm .ant-btn-primary').click();

      // ---- notice: a window that ended yesterday, posted on its first day
      await page.goto(`${base}/condolence/notices?campaign=${cid}`);
      await page.getByTestId('notice-create').click();
      const create = page.getByRole('dialog', { name: '新建公示' });
      await create.waitFor();
      const [startInput, endInput] = [create.locator('.ant-picker-range input').nth(0), create.locator('.ant-picker-range input').nth(1)];
      await startInput.click();
      await startInput.fill(day(-7));
      await endInput.click();
      await endInput.fill(day(-1));
      await page.keyboard.press('Enter');
      await create.getByTestId('notice-place').fill('县总工会一楼公示栏、各镇街公示栏');
      await create.locator('.ant-modal-footer .ant-btn-primary').click();
      // the notice's lines are written by a background job: the page follows it, then refreshes
      await page.getByText('已生成公示，共 3 户').waitFor();
      await page.getByTestId('notice-post').click();
      await okAndWait(page, '已张贴');
      await page.getByTestId('notice-table').getByText('公示期已结束').waitFor();
      await shot('78-condolence-notice');
      const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByTestId('notice-pdf').click()]);
      assert.match(pdf.suggestedFilename(), /\.pdf$/);
      const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByTestId('notice-xlsx').click()]);
      const noticePath = join(downloads, 'notice.xlsx');
      await xlsx.saveAs(noticePath);
      const notice = JSON.stringify((await readXlsx(noticePath)).rows);
      for (const p of people) {
        assert.ok(!notice.includes(p.id_number), 'the notice shows no full ID number');
        assert.ok(notice.includes(`${p.id_number.slice(0, 6)}********${p.id_number.slice(-4)}`), 'masked ID number');
        assert.ok(!notice.includes(p.name) && notice.includes(`${p.name[0]}*${p.name.slice(-1)}`), 'masked name');
      }
      await page.getByTestId('notice-title').first().click();
      await page.getByTestId('notice-drawer').getByTestId('notice-lines').locator('.ant-table-row').first().waitFor();
      await shot('79-condolence-notice-lines');
      await page.keyboard.press('Escape');

      // ---- payment file: every line is payable now; the bank file carries the full card numbers
      await page.goto(`${base}/condolence/payments?campaign=${cid}`);
      await page.getByTestId('batch-create').click();
      await okAndWait(page, '生成发放文件');
      // the batch is prepared by a background job: the page follows it and says so when it is done
      await page.getByText(/已生成批次 .*：3 户/).waitFor();
      const table = page.getByTestId('batch-table');
      await table.locator('.ant-table-row').first().waitFor();
      await table.locator('[data-status="exported"]').first().waitFor();
      await page.getByTestId('payable-blocked').getByText(/已在发放批次中/).waitFor();
      const [bank] = await Promise.all([page.waitForEvent('download'), table.getByTestId('bank-file').first().click()]);
      const bankPath = join(downloads, 'bank.xlsx');
      await bank.saveAs(bankPath);
      const bankRows = (await readXlsx(bankPath)).rows;
      const header = bankRows.findIndex((r) => r[0] === '序号');
      const body = bankRows.slice(header + 1);
      assert.equal(body.length, 3);
      assert.deepEqual(new Set(body.map((r) => r[2])), new Set(people.map((p) => p.bank_card)));
      await shot('80-condolence-payment-batch');

      // ---- the bank's answer: two paid, one failed
      const answer = join(downloads, '回盘.xlsx');
      await writeXlsx(answer, [['序号', '户名', '账号', '交易金额', '交易结果', '失败原因'],
        ...body.map((r, i) => [Number(r[0]), r[1], r[2], Number(r[3]), i === 2 ? '失败' : '成功', i === 2 ? '账户已销户' : ''])], '回盘');
      await page.locator('input[type=file]').first().setInputFiles(answer);
      await page.getByText('共 3 行：成功 2，失败 1，未变化 0。').waitFor();
      await page.locator('.ant-modal-confirm .ant-btn-primary').click();
      await table.getByText('部分回盘').or(table.getByText('回盘完成')).first().waitFor();
      await shot('81-condolence-payment-results');
      const batchesNow = (await apiGet(page, `/api/v1/condolence/campaigns/${cid}/payment-batches`)).data;
      assert.equal(batchesNow[0].paid_count, 2);
      assert.equal(batchesNow[0].failed_count, 1);
      const preview = (await apiGet(page, `/api/v1/condolence/campaigns/${cid}/payable`)).data;
      assert.equal(preview.payable, 1, 'only the failed line can be paid again');

      // ---- visits: a group led by a county leader, the township's households, its 安排表
      await page.goto(`${base}/condolence/visits?campaign=${cid}`);
      await page.getByTestId('group-create').click();
      const group = page.getByRole('dialog', { name: '新建慰问小组' });
      await group.waitFor();
      await group.getByLabel('小组', { exact: true }).fill('第一组');
      await group.getByLabel('带队领导', { exact: true }).fill('县委副书记 王建国');
      const date = group.getByLabel('慰问日期', { exact: true });
      await date.click();
      await date.fill(day(0));
      await page.keyboard.press('Enter');
      await group.getByLabel('集合地点', { exact: true }).fill('县政府办公楼一楼大堂');
      await group.locator('.ant-modal-footer .ant-btn-primary').click();
      await group.waitFor({ state: 'hidden' });
      const groups = page.getByTestId('group-table');
      await groups.getByTestId('group-assign').first().click();
      const assign = page.getByRole('dialog', { name: /^分配对象到/ });
      await assign.waitFor();
      await assign.locator('.ant-select-selector').click();
      await assign.locator('.ant-select-selection-search input').fill(town.name);
      await page.locator('.ant-select-dropdown:visible').getByText(town.name).first().click();
      await assign.locator('.ant-modal-footer .ant-btn-primary').click();
      await page.getByText('已分配3户到第一组').waitFor();
      await shot('83-condolence-visit-groups');
      const [arrangement] = await Promise.all([page.waitForEvent('download'), groups.getByTestId('group-arrangement').first().click()]);
      const arrangementPath = join(downloads, 'arrangement.xlsx');
      await arrangement.saveAs(arrangementPath);
      const table2 = JSON.stringify((await readXlsx(arrangementPath)).rows);
      assert.ok(table2.includes('县委副书记 王建国') && people.every((p) => table2.includes(p.name)), 'the arrangement table lists the group');

      await page.goto(`${base}/condolence/summaries?campaign=${cid}`);
      await page.getByTestId('summary-townships').waitFor();
      await shot('82-condolence-summary');
    },
  },
];
