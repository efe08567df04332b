// The roster screens: the county sets up a campaign in the SPA (慰问活动), a union uploads its nomination
// workbook as a dry run (推荐申报) with bad rows and a duplicate — the judgement shows each problem with
// its Chinese reason and the rows that are not nominations are skipped — submits it; a second union's
// list names the same person, and the line table (名单校验) filters the duplicates with the reason naming
// the first union and row, and exports the filtered view with masked ID numbers.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiGet, apiSend, assert, eventually, login, makeIdNumber, readXlsx, waitForTableRows, writeXlsx } from '../lib/helpers.mjs';

const HEADER = ['序号', '姓名', '身份证号码', '工作单位', '慰问类别', '困难原因', '联系电话', '银行卡号', '开户银行', '慰问金(元)', '慰问品(元)', '备注'];

function luhnCard(body12) {
  const digits = `622848${body12}`;
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

async function uploadViaApi(page, campaignId, file, orgId) {
  const cookies = await page.context().cookies();
  const csrf = cookies.find((c) => c.name === 'csrf_token')?.value ?? '';
  const response = await page.request.post(new URL(`/api/v1/condolence/campaigns/${campaignId}/batches`, page.url()).href, {
    headers: { 'X-CSRF-Token': csrf },
    multipart: {
      file: { name: 'second.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: readFileSync(file) },
      org_id: String(orgId),
      submit: 'true',
    },
  });
  assert.equal(response.status(), 201, await response.text());
  return response.json();
}

export const tests = [
  {
    name: 'roster: set up a campaign, dry-run a workbook with bad rows, submit, see duplicates and export',
    async run({ page, base, shot }) {
      await login(page, base, 'xinxiang.admin');
      const tag = String(Date.now() % 1_000_000);

      // 1. The county sets the campaign up in the SPA (the hardship-file rule off: these people are not filed).
      await page.goto(`${base}/condolence/campaigns`);
      await page.getByRole('button', { name: /新建活动/ }).click();
      await page.waitForURL(/\/condolence\/campaigns\/new$/);
      // The form takes its defaults as it mounts (the categories of the hardship file appear): type after.
      await page.locator('#categories_0_code').waitFor();
      await page.waitForLoadState('networkidle');
      const name = page.getByLabel('活动名称', { exact: true });
      await name.fill(`E2E元旦春节送温暖${tag}`);
      await page.getByLabel('只慰问已建档困难职工', { exact: true }).click();
      assert.equal(await name.inputValue(), `E2E元旦春节送温暖${tag}`);
      await shot('70-campaign-setup');
      await page.getByRole('button', { name: /保\s*存/ }).click();
      await page.waitForURL(/\/condolence\/campaigns\/\d+$/);
      const campaignId = Number(page.url().split('/').pop());
      await page.getByText(`E2E元旦春节送温暖${tag}`).first().waitFor();
      const opened = await apiSend(page, 'POST', `/api/v1/condolence/campaigns/${campaignId}/open`);
      assert.equal(opened.status, 200, JSON.stringify(opened.data));
      await page.goto(`${base}/condolence/campaigns`);
      await waitForTableRows(page);
      await shot('71-campaign-list');

      // 2. A union's workbook: good lines, a wrong check digit, an ID typed as a number, a bad card, an
      //    amount in words, the same person twice; a subtotal row and signature footers.
      const seq = 100 + Math.floor(Math.random() * 800);
      const ids = [0, 1, 2, 3, 4, 5].map((i) => makeIdNumber(`1975030${i + 1}`, String(seq + i)));
      const cards = [0, 1, 2, 3, 4, 5].map((i) => luhnCard(`${Date.now() % 1e8}`.padStart(8, '0') + String(1000 + i)));
      const wrongCheck = ids[1].slice(0, 17) + (ids[1][17] === '0' ? '1' : '0');
      const badCard = cards[2].slice(0, -1) + String((Number(cards[2].slice(-1)) + 1) % 10);
      const rows = [
        ['XX公司工会元旦春节困难职工慰问推荐名单'],
        HEADER,
        [1, '张建国', ids[0], '新乡县宏达机械', '困难职工', '本人患病', '13812345670', cards[0], '农业银行', '', '', ''],
        [2, '李秀英', wrongCheck, '新乡县宏达机械', '困难职工', '子女上学', '13812345671', cards[1], '农业银行', '', '', ''],
        [3, '王强', ids[2], '新乡县宏达机械', '困难职工', '单亲', '13812345672', badCard, '农业银行', '', '', ''],
        [4, '赵丽', Number(ids[3].slice(0, 15) + '000'), '新乡县宏达机械', '困难职工', '残疾', '13812345673', cards[3], '农业银行', '', '', ''],
        [5, '孙明', ids[4], '新乡县宏达机械', '困难劳模', '重病', '13812345674', cards[4], '农业银行', '伍佰元', '', ''],
        [6, '张建国', ids[0], '新乡县宏达机械', '困难职工', '本人患病', '13812345670', cards[0], '农业银行', '', '', ''],
        ['小计', '', '', '', '', '', '', '', '', 3000, '', ''],
        [7, '周平', ids[5], '新乡县宏达机械', '困难职工', '低收入', '13812345675', cards[5], '农业银行', '', '', ''],
        ['合计', '', '', '', '', '', '', '', '', 3500, '', ''],
        ['填表人：李明', '', '审核人：王建国', '', '', '', '联系电话：0373-5561234'],
      ];
      const file = join(tmpdir(), `e2e-roster-${tag}.xlsx`);
      await writeXlsx(file, rows, '推荐名单');

      await page.goto(`${base}/condolence/nominations?campaign=${campaignId}`);
      await page.getByTestId('roster-upload').waitFor();
      await page.locator('[data-testid="roster-upload"] input[type=file]').setInputFiles(file);
      await shot('72-nomination-upload');
      await page.getByTestId('roster-upload-start').click();
      await page.waitForURL(/\/condolence\/batches\/\d+$/);
      const batchId = Number(page.url().split('/').pop());
      await eventually(async () => (await page.getByTestId('batch-status').innerText()).includes('已校验'),
        { timeout: 120_000, message: 'the dry run did not finish' });
      const problems = page.getByTestId('batch-problems');
      await problems.waitFor();
      const text = await problems.innerText();
      for (const reason of ['校验位错误', '存成了数字', '银行卡号', '伍佰元', '与本表第3行 重复推荐']) {
        assert.ok(text.includes(reason), `reason "${reason}" shown: ${text}`);
      }
      await shot('73-dry-run-result');
      const { data: batch } = await apiGet(page, `/api/v1/condolence/batches/${batchId}`);
      assert.equal(batch.lines_total, 7);
      assert.equal(batch.lines_ok, 2);
      assert.equal(batch.rows_skipped, 3);
      assert.equal(batch.counted, false);

      // 3. Submit (上报).
      await page.getByTestId('batch-submit').click();
      await page.locator('.ant-popconfirm').getByRole('button', { name: /确\s*定|OK/ }).click();
      await eventually(async () => (await page.getByTestId('batch-status').innerText()).includes('已上报'),
        { message: 'the batch was not submitted' });

      // 4. Another union submits a list naming 周平 again.
      const { data: unions } = await apiGet(page, '/api/v1/orgs?org_type=grassroots&page_size=5');
      const first = batch.org_id;
      const other = unions.find((u) => u.id !== first);
      const file2 = join(tmpdir(), `e2e-roster2-${tag}.xlsx`);
      await writeXlsx(file2, [HEADER, [1, '周平', ids[5], '新乡县某公司', '困难职工', '低收入', '13812345675', cards[5], '农业银行', '', '', '']], '推荐名单');
      const second = await uploadViaApi(page, campaignId, file2, other.id);
      await eventually(async () => (await apiGet(page, `/api/v1/condolence/batches/${second.id}`)).data.status === 'submitted',
        { timeout: 120_000, message: 'the second list was not judged' });

      // 5. The line table: duplicates with the reason naming the first union and row; export.
      await page.goto(`${base}/condolence/roster?campaign=${campaignId}&check_status=duplicate`);
      const lineRows = await waitForTableRows(page);
      const all = (await lineRows.allInnerTexts()).join('\n');
      assert.ok(all.includes('与本表第3行 重复推荐'), `within-file duplicate listed: ${all}`);
      assert.ok(all.includes(`第10行 重复推荐`) && all.includes(batch.org_name), `cross-union duplicate names ${batch.org_name} row 10: ${all}`);
      await shot('74-roster-duplicates');
      const download = page.waitForEvent('download');
      await page.getByTestId('roster-export').click();
      const saved = join(tmpdir(), `e2e-roster-export-${tag}.xlsx`);
      await (await download).saveAs(saved);
      const { rows: exported } = await readXlsx(saved);
      const flat = exported.flat().join(' ');
      assert.ok(flat.includes('周平') && flat.includes('重复推荐'), 'the export holds the filtered lines');
      assert.ok(!flat.includes(ids[5]) && !flat.includes(ids[0]), 'no full ID number in the export');

      await page.goto(`${base}/condolence/campaigns/${campaignId}`);
      await page.getByText('名单概况').waitFor();
      await page.getByText('推荐总数').waitFor();  // the roster job's summary (a fresh ETag, not a stale 304)
      await page.getByText('重复推荐（同一身份证号）').first().waitFor();
      await shot('75-campaign-overview');
    },
  },
];
