// The import wizard end to end: a member workbook with bad rows → the dry run's report, the
// annotated workbook downloaded and checked (an .xlsx with the 错误说明 column) → commit only the
// valid rows with the job's progress reaching 100% → the members are in the register; the import
// and its job are listed in 数据导入 and 任务中心.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiGet, assert, eventually, login, makeIdNumber, readXlsx, waitForTableRows, writeXlsx } from '../lib/helpers.mjs';

const UNION = '新乡振宇汽车零部件有限公司工会委员会';

function randomName() {
  const chars = '甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉';
  return `测试${chars[Math.floor(Math.random() * chars.length)]}${chars[Math.floor(Math.random() * chars.length)]}`;
}

export const tests = [
  {
    name: 'import with bad rows: report, annotated workbook, commit the valid rows with progress',
    async run({ page, base, shot }) {
      await login(page, base, 'xinxiang.admin');
      // The entry point on the member list opens the wizard with the kind preselected.
      await page.goto(`${base}/orgs/members`);
      await waitForTableRows(page);
      await page.getByTestId('member-import').click();
      await page.waitForURL(/\/data\/imports\/new\?kind=members/);
      await page.getByTestId('import-upload').waitFor();
      await shot('21-import-upload');

      const seq = 100 + Math.floor(Math.random() * 800);
      const good = [
        [randomName(), makeIdNumber('19850312', String(seq)), '13800138001', UNION, '2024-03-01'],
        [randomName(), makeIdNumber('19900705', String(seq + 1)), '13800138002', UNION, '2024.5.6'],
        [randomName(), makeIdNumber('19781120', String(seq + 2)), '', UNION, '2023年12月1日'],
      ];
      const valid = makeIdNumber('19920101', String(seq + 3));
      const wrongCheck = valid.slice(0, 17) + (valid[17] === '1' ? '2' : '1');
      const bad = [
        ['错校验', wrongCheck, '13800138003', UNION, '2024-01-01'],
        // An ID typed into Excel as a number: its last digits are gone; it must be refused.
        ['数字号', 410721199203046000, '13800138004', UNION, '2024-01-01'],
        ['错日期', makeIdNumber('19930202', String(seq + 4)), '13800138005', UNION, '2024-13-45'],
      ];
      const file = join(tmpdir(), `e2e-members-${Date.now()}.xlsx`);
      await writeXlsx(file, [['姓名', '身份证号', '手机', '所属工会', '入会时间'], good[0], bad[0], good[1], bad[1], good[2], bad[2]]);

      await page.locator('[data-testid="import-upload"] input[type=file]').setInputFiles(file);
      await page.getByTestId('import-start').click();
      await page.waitForURL(/\/data\/imports\/\d+$/);
      const importId = Number(page.url().split('/').pop());
      const report = page.getByTestId('import-report');
      await report.waitFor({ timeout: 90_000 });
      assert.equal((await page.getByTestId('import-total').locator('.ant-statistic-content-value').innerText()).trim(), '6');
      assert.equal((await page.getByTestId('import-valid').locator('.ant-statistic-content-value').innerText()).trim(), '3');
      assert.equal((await page.getByTestId('import-invalid').locator('.ant-statistic-content-value').innerText()).trim(), '3');
      const problems = page.getByTestId('import-problems');
      // 行 / 列 / 字段 / 问题: the rows are Excel's row numbers (header = row 1).
      const rowsText = await problems.locator('.ant-table-tbody tr.ant-table-row').allInnerTexts();
      assert.ok(rowsText.some((r) => r.startsWith('3') && r.includes('身份证号')), `row 3 (wrong check digit) listed: ${rowsText.join(' | ')}`);
      assert.ok(rowsText.some((r) => r.startsWith('5') && r.includes('身份证号')), `row 5 (ID as a number) listed: ${rowsText.join(' | ')}`);
      assert.ok(rowsText.some((r) => r.startsWith('7') && r.includes('入会时间')), `row 7 (bad date) listed: ${rowsText.join(' | ')}`);
      await shot('22-import-report');

      // The annotated workbook: a real .xlsx with the 错误说明 column, filled on the bad rows only.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('import-download-annotated').first().click()]);
      assert.match(download.suggestedFilename(), /错误标注\.xlsx$/);
      const saved = join(tmpdir(), `e2e-annotated-${Date.now()}.xlsx`);
      await download.saveAs(saved);
      const bytes = readFileSync(saved);
      assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'the annotated file is a zip (xlsx)');
      const { rows } = await readXlsx(saved);
      const header = rows[0].map(String);
      const errorCol = header.indexOf('错误说明');
      assert.ok(errorCol >= 0, `错误说明 column in ${header.join(',')}`);
      const explained = rows.slice(1).filter((r) => r[errorCol]);
      assert.equal(explained.length, 3, 'three rows carry an explanation');
      assert.ok(explained.every((r) => ['错校验', '数字号', '错日期'].includes(String(r[0]))), 'only the bad rows are explained');

      // All-or-nothing cannot go ahead with bad rows; only-valid can.
      assert.equal(await page.getByTestId('import-commit').isDisabled(), true);
      await page.getByTestId('import-mode').getByText('只导入正确的行').click();
      await page.getByTestId('import-commit').click();
      await page.getByTestId('import-commit-confirm').click();
      const result = page.getByTestId('import-result');
      await result.waitFor({ timeout: 90_000 });
      assert.equal((await page.getByTestId('import-result-title').innerText()).trim(), '导入完成');
      assert.equal((await page.getByTestId('import-created').locator('.ant-statistic-content-value').innerText()).trim(), '3');
      assert.equal((await page.getByTestId('import-failed').locator('.ant-statistic-content-value').innerText()).trim(), '3');
      await shot('23-import-result');

      const { data: batch } = await apiGet(page, `/api/v1/imports/${importId}`);
      assert.equal(batch.status, 'committed');
      assert.equal(batch.created_count, 3);
      const { data: job } = await apiGet(page, `/api/v1/jobs/${batch.commit_job_id}`);
      assert.equal(job.status, 'succeeded');
      assert.equal(job.progress_percent, 100, 'the commit job reached 100%');

      // The members are in the register, the bad rows are not.
      for (const [name, id] of good) {
        const { data } = await apiGet(page, `/api/v1/members?q=${id}`);
        assert.equal(data.length, 1, `${name} imported`);
        assert.equal(data[0].name, name);
        assert.equal(data[0].org_name, UNION);
      }
      const { data: refused } = await apiGet(page, `/api/v1/members?q=${encodeURIComponent('错日期')}`);
      assert.equal(refused.length, 0);
      await page.goto(`${base}/orgs/members`);
      await waitForTableRows(page);
      await page.getByPlaceholder(/姓名|身份证/).first().fill(good[0][1]);
      await page.keyboard.press('Enter');
      await page.getByTestId('member-name').getByText(good[0][0], { exact: true }).waitFor();

      // 数据导入 lists it as imported.
      await page.goto(`${base}/data/imports`);
      await waitForTableRows(page);
      const row = page.locator('.ant-table-tbody tr.ant-table-row').filter({ has: page.getByTestId('import-link') }).first();
      await row.getByText('已导入').waitFor();
      await shot('24-import-list');

      // 任务中心 shows the commit job, finished, at 100%.
      await page.goto(`${base}/data/jobs`);
      const jobRow = page.locator('.ant-table-tbody tr.ant-table-row').filter({ hasText: '会员导入 · 写入' }).first();
      await jobRow.waitFor();
      await jobRow.getByTestId('job-status').getByText('已完成').waitFor();
      assert.equal(await jobRow.getByTestId('job-progress').getAttribute('data-percent'), '100');
      await jobRow.getByText('新增 3').waitFor();
      await shot('25-job-centre');
      await jobRow.getByTestId('job-kind').click();
      await page.getByTestId('job-detail').getByText('查看导入结果').waitFor();
      await shot('26-job-detail');
    },
  },
  {
    name: 'an unreadable file gets a plain message; the template downloads with the right headers',
    async run({ page, base }) {
      await login(page, base, 'xinxiang.admin');
      await page.goto(`${base}/data/imports/new?kind=employers`);
      await page.getByTestId('import-upload').waitFor();
      const [template] = await Promise.all([page.waitForEvent('download'), page.getByTestId('import-template').click()]);
      assert.equal(template.suggestedFilename(), '单位导入模板.xlsx');
      const saved = join(tmpdir(), `e2e-template-${Date.now()}.xlsx`);
      await template.saveAs(saved);
      const { rows, sheets } = await readXlsx(saved);
      for (const header of ['单位名称', '统一社会信用代码', '职工人数', '建会状态']) assert.ok(rows[0].includes(header), `template header ${header}: ${rows[0]}`);
      assert.ok(sheets.includes('填写说明'), `the template explains its columns: ${sheets}`);

      const fake = join(tmpdir(), `e2e-fake-${Date.now()}.xlsx`);
      const { writeFileSync } = await import('node:fs');
      writeFileSync(fake, 'this is not a workbook');
      await page.locator('[data-testid="import-upload"] input[type=file]').setInputFiles(fake);
      await page.getByTestId('import-start').click();
      await page.getByTestId('import-invalid-title').waitFor({ timeout: 90_000 });
      const text = await page.getByTestId('import-invalid-message').innerText();
      assert.ok(/[\u4e00-\u9fa5]/.test(text) && text.length > 4, `a Chinese explanation: ${text}`);
      await eventually(async () => (await apiGet(page, '/api/v1/imports?status=invalid&page_size=1')).data.length > 0);
    },
  },
];
