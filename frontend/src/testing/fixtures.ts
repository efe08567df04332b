import type { Me } from '@/lib/access';

/** A /me answer; override what the test is about. */
export function makeMe(overrides: Partial<Me> = {}): Me {
  return {
    user: {
      id: 1,
      username: 'zhangsan',
      display_name: '张三',
      role: 'federation_admin',
      role_label: '总工会管理员',
      must_change_password: false,
    },
    tenant: { id: 7, name: '示例县总工会', code: 'demo-county' },
    permissions: ['orgs.read', 'members.read'],
    scope: { org_id: 1, org_name: '示例县总工会', is_root: true },
    is_platform_admin: false,
    acting_tenant_switch: false,
    ...overrides,
  };
}

export function platformAdminMe(overrides: Partial<Me> = {}): Me {
  return makeMe({
    user: {
      id: 99,
      username: 'platform',
      display_name: '平台管理员',
      role: 'platform_admin',
      role_label: '平台管理员',
      must_change_password: false,
    },
    tenant: null,
    scope: null,
    permissions: ['tenants.manage', 'tenants.switch'],
    is_platform_admin: true,
    ...overrides,
  });
}
