import type { components } from '@/types/api.gen';
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


type Org = components['schemas']['Org'];

/** An org as GET /orgs answers; `path` is derived from the parents given. */
export function makeOrg(id: number, name: string, parents: number[] = [], overrides: Partial<Org> = {}): Org {
  return {
    id,
    parent_id: parents.length ? (parents[parents.length - 1] ?? null) : null,
    parent_name: null,
    path: `/${[...parents, id].join('/')}/`,
    depth: parents.length,
    name,
    short_name: null,
    org_type: parents.length === 0 ? 'federation' : 'grassroots',
    org_type_label: parents.length === 0 ? '总工会' : '基层工会',
    employer_id: null,
    approval_number: null,
    approval_date: null,
    founded_date: null,
    reelection_due_date: null,
    office_address: null,
    office_phone: null,
    project_name: null,
    project_end_date: null,
    is_active: true,
    remark: null,
    child_count: 0,
    version: 1,
    created_at: '2026-01-01T00:00:00+08:00',
    updated_at: '2026-01-01T00:00:00+08:00',
    ...overrides,
  };
}

export const codebookFixture: components['schemas']['Codebook'] = {
  org_types: [
    { code: 'federation', label: '总工会' },
    { code: 'township', label: '乡镇(街道)工会' },
    { code: 'grassroots', label: '基层工会' },
  ],
  ownership_types: [{ code: 'private', label: '私营企业' }],
  union_statuses: [
    { code: 'founded', label: '已单独建会' },
    { code: 'not_founded', label: '未建会' },
  ],
  employment_types: [
    { code: 'regular', label: '正式职工' },
    { code: 'migrant', label: '农民工' },
  ],
  member_card_statuses: [{ code: 'not_collected', label: '未采集' }],
  member_statuses: [{ code: 'active', label: '在籍' }],
  cadre_posts: [{ code: 'chair', label: '主席' }],
};
