// Administration through the screens: create a union under a township, move it under another
// township, delete it (org tree); create a user and disable it (用户管理), checked against the API.
import { apiGet, apiSend, assert, login, pickOrg, selectOption, waitForTableRows } from '../lib/helpers.mjs';

/** POST /auth/login in the page's context: a token first (GET /auth/csrf keeps one the context holds),
 * then the login echoing the context's csrf cookie. */
async function signIn(page, base, username, password) {
  await page.request.get(`${base}/api/v1/auth/csrf`);
  return apiSend(page, 'POST', '/api/v1/auth/login', { username, password });
}

const okButton = /确\s*定|OK/;

export const tests = [
  {
    name: 'org tree: create a union, move it, delete it',
    async run({ page, base, shot }) {
      await login(page, base, 'xinxiang.admin');
      const { data: towns } = await apiGet(page, '/api/v1/orgs?org_type=township&page_size=100');
      const from = towns.find((o) => o.name === '小冀镇总工会') ?? towns[0];
      const to = towns.find((o) => o.id !== from.id);
      const name = `E2E测试企业工会${Date.now() % 100000}`;

      await page.goto(`${base}/orgs/tree?org=${from.id}`);
      await page.getByTestId('org-detail-name').getByText(from.name).waitFor();
      await page.getByTestId('org-create-child').click();
      const dialog = page.getByRole('dialog').filter({ hasText: '新建下级组织' });
      await dialog.getByLabel('组织名称', { exact: true }).fill(name);
      await selectOption(page, dialog.getByLabel('组织类型', { exact: true }), '.ant-select-item-option[title="基层工会"]',
        dialog.locator('.ant-select-selection-item[title="基层工会"]'));
      await shot('31-org-create', page);
      await dialog.getByRole('button', { name: /保\s*存/ }).click();
      await page.getByText('组织已创建').waitFor();
      await page.getByTestId('org-detail-name').getByText(name).waitFor();
      const { data: created } = await apiGet(page, `/api/v1/orgs?q=${encodeURIComponent(name)}`);
      assert.equal(created.length, 1);
      assert.equal(created[0].parent_id, from.id);
      assert.equal(created[0].org_type, 'grassroots');
      const orgId = created[0].id;

      await page.getByRole('button', { name: /调整隶属/ }).click();
      const move = page.getByRole('dialog').filter({ hasText: '调整隶属关系' });
      await pickOrg(page, move, '新的上级组织', to.name.slice(0, 3), to.name);
      await move.getByRole('button', { name: /确认调整/ }).click();
      await page.getByText('隶属关系已调整').waitFor();
      const { data: moved } = await apiGet(page, `/api/v1/orgs/${orgId}`);
      assert.equal(moved.parent_id, to.id, 'the union now sits under the other township');
      assert.ok(moved.path.startsWith(to.path), `path ${moved.path} under ${to.path}`);
      await page.getByTestId('org-detail').getByText(to.name).first().waitFor();
      await shot('32-org-moved');

      await page.getByTestId('org-detail').getByRole('button', { name: /删\s*除/ }).click();
      await page.locator('.ant-popconfirm').getByRole('button', { name: okButton }).click();
      await page.getByText(`已删除“${name}”`).waitFor();
      const gone = await page.request.get(`${base}/api/v1/orgs/${orgId}`);
      assert.equal(gone.status(), 404, 'the deleted union is gone');
    },
  },
  {
    name: 'user admin: create a user, disable it; the disabled user cannot sign in',
    async run({ page, base, shot, newContext }) {
      await login(page, base, 'xinxiang.admin');
      const { data: towns } = await apiGet(page, '/api/v1/orgs?org_type=township&page_size=1');
      const username = `e2e.user${Date.now() % 1000000}`;
      const password = 'E2e@Passw0rd!';

      await page.goto(`${base}/system/users`);
      await waitForTableRows(page);
      await page.getByRole('button', { name: /新增用户/ }).click();
      const dialog = page.getByRole('dialog').filter({ hasText: '新增用户' });
      await dialog.getByLabel('用户名', { exact: true }).fill(username);
      await dialog.getByLabel('姓名', { exact: true }).fill('测试干部');
      await dialog.getByLabel('初始密码', { exact: true }).fill(password);
      await pickOrg(page, dialog, '管辖范围', towns[0].name.slice(0, 3), towns[0].name);
      await dialog.getByRole('button', { name: /保\s*存/ }).click();
      await page.getByText('用户已创建').first().waitFor();
      const { data: found } = await apiGet(page, `/api/v1/users?q=${username}`);
      assert.equal(found.length, 1);
      assert.equal(found[0].is_active, true);
      assert.equal(found[0].scope_org_id, towns[0].id);
      assert.equal(found[0].role, 'org_staff');

      // The new account works before it is disabled.
      const other = await newContext();
      try {
        const page2 = await other.newPage();
        await page2.goto(`${base}/login`);
        // Let the login page's own requests settle; signIn echoes the cookie the context holds then.
        await page2.waitForLoadState('networkidle');
        const before = await signIn(page2, base, username, password);
        assert.equal(before.status, 200, 'the new user can sign in');

        const row = page.locator('.ant-table-tbody tr.ant-table-row').filter({ hasText: username });
        await row.getByText('编辑').click();
        const edit = page.getByRole('dialog').filter({ hasText: `修改用户：${username}` });
        await edit.getByLabel('启用', { exact: true }).click();
        await edit.getByRole('button', { name: /保\s*存/ }).click();
        await row.getByText('已停用').waitFor();
        await shot('33-user-disabled');
        const { data: after } = await apiGet(page, `/api/v1/users?q=${username}`);
        assert.equal(after[0].is_active, false);

        await page2.context().clearCookies();
        const denied = await signIn(page2, base, username, password);
        assert.notEqual(denied.status, 200, 'a disabled user cannot sign in');
      } finally {
        await other.close();
      }
    },
  },
];
