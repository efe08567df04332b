// Evidence on a member: a PDF hashed in the browser, PUT straight to S3 with the presigned URL,
// verified by the job, downloaded back byte-identical; a disguised web page is rejected with the
// reason shown; the record's zip is built by a job and holds the file; the archive lists it.
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiGet, assert, frontendRequire, login, sha256Hex, waitForTableRows } from '../lib/helpers.mjs';

function pdfBytes() {
  const nonce = `${Date.now()}-${Math.random()}`;
  return Buffer.from(`%PDF-1.4\n% 职工之家云 e2e ${nonce}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`, 'utf8');
}

export const tests = [
  {
    name: 'evidence uploads, verifies and downloads back byte-identical; zip and archive',
    async run({ page, base, shot }) {
      await login(page, base, 'xinxiang.admin');
      const { data: members } = await apiGet(page, '/api/v1/members?page_size=1&status=active');
      const member = members[0];
      await page.goto(`${base}/orgs/members/${member.id}`);
      const panel = page.getByTestId('evidence-panel');
      await panel.waitFor();

      const original = pdfBytes();
      const file = join(tmpdir(), `会员签字表-${Date.now()}.pdf`);
      writeFileSync(file, original);
      const name = file.split('/').pop();
      await panel.locator('input[type=file]').setInputFiles(file);
      const row = panel.getByTestId('evidence-list').locator('tr.ant-table-row').filter({ hasText: name });
      await row.locator('[data-testid="evidence-status"][data-status="verified"]').waitFor({ timeout: 90_000 });
      await panel.evaluate((el) => el.scrollIntoView({ block: 'end' }));
      await shot('27-evidence-panel');

      const { data: items } = await apiGet(page, `/api/v1/evidence?subject_type=member&subject_id=${member.id}`);
      const item = items.find((i) => i.filename === name);
      assert.ok(item, 'the item is listed by the API');
      assert.equal(item.sha256, sha256Hex(original), 'the server measured the hash the browser computed');
      assert.equal(item.declared_sha256, item.sha256);

      const [download] = await Promise.all([page.waitForEvent('download'), row.getByTestId('evidence-download').click()]);
      const back = join(tmpdir(), `e2e-evidence-back-${Date.now()}.pdf`);
      await download.saveAs(back);
      assert.equal(download.suggestedFilename(), name);
      assert.ok(readFileSync(back).equals(original), 'downloaded bytes equal the uploaded bytes');

      // A web page named .png: refused by content, with the reason in the row.
      const fake = join(tmpdir(), `伪装图片-${Date.now()}.png`);
      writeFileSync(fake, '<!DOCTYPE html><html><body><script>alert(1)</script></body></html>');
      const fakeName = fake.split('/').pop();
      await panel.locator('input[type=file]').setInputFiles(fake);
      const fakeRow = panel.getByTestId('evidence-list').locator('tr.ant-table-row').filter({ hasText: fakeName });
      await fakeRow.locator('[data-testid="evidence-status"][data-status="rejected"]').waitFor({ timeout: 90_000 });
      const reason = await fakeRow.getByTestId('evidence-reason').innerText();
      assert.ok(/[\u4e00-\u9fa5]/.test(reason), `the rejection says why in Chinese: ${reason}`);
      await panel.evaluate((el) => el.scrollIntoView({ block: 'end' }));
      await shot('28-evidence-rejected');
      // Delete marks it; it leaves the list.
      await fakeRow.getByTestId('evidence-delete').click();
      await page.locator('.ant-popconfirm').getByRole('button', { name: /确\s*定|OK/ }).click();
      await fakeRow.waitFor({ state: 'detached' });

      // The record's zip: built by a job, downloadable, holding the file and a manifest with its hash.
      await panel.getByTestId('evidence-bundle').click();
      const modal = page.getByTestId('bundle-modal');
      await page.locator('[data-testid="bundle-modal"][data-status="succeeded"]').waitFor({ timeout: 90_000 });
      await shot('29-evidence-bundle');
      const [zip] = await Promise.all([page.waitForEvent('download'), modal.getByTestId('bundle-download').click()]);
      const zipPath = join(tmpdir(), `e2e-bundle-${Date.now()}.zip`);
      await zip.saveAs(zipPath);
      const JSZip = frontendRequire('jszip');
      const archive = await JSZip.loadAsync(readFileSync(zipPath));
      const manifest = JSON.parse(await archive.file('manifest.json').async('string'));
      const entry = JSON.stringify(manifest);
      assert.ok(entry.includes(sha256Hex(original)), 'the manifest lists the file’s SHA-256');
      const inZip = Object.values(archive.files).find((f) => !f.dir && f.name.endsWith('.pdf'));
      assert.ok(inZip, 'the pdf is in the zip');
      assert.ok(Buffer.from(await inZip.async('uint8array')).equals(original), 'the zipped file is the original');
      await page.keyboard.press('Escape');

      // 证据档案 lists it with the record it belongs to.
      await page.goto(`${base}/data/evidence`);
      await waitForTableRows(page);
      await page.getByTestId('archive-filename').getByText(name, { exact: true }).first().waitFor();
      await shot('30-evidence-archive');
      // Filtered by file name (what the server answers: every row holds the text).
      const part = name.slice(0, Math.max(4, name.length - 4));
      const listed = page.waitForResponse((r) => r.url().includes('/api/v1/evidence?') && r.url().includes('q='));
      await page.getByPlaceholder('文件名包含的文字').fill(part);
      await page.getByRole('button', { name: /查\s*询/ }).click();
      const filtered = await (await listed).json();
      assert.ok(filtered.length >= 1, 'the file is found by part of its name');
      assert.ok(filtered.every((i) => i.filename.includes(part)), 'only files whose name holds the text');
      await page.getByTestId('archive-filename').getByText(name, { exact: true }).first().waitFor();
    },
  },
];
