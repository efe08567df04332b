import { describe, expect, it } from 'vitest';
import { buildAccess } from '@/lib/access';
import type { MessageKey } from '@/locales';
import { makeMe, platformAdminMe } from '@/testing/fixtures';
import { type AppRoute, appRoutes, findRoute, leafRoutes, menuFromRoutes } from './routes';

const t = (key: MessageKey) => `t:${key}`;
const page = () => Promise.resolve({ default: () => null });

// A table shaped like the register screens to come: a group whose entries need different rights.
const table: AppRoute[] = [
  { path: '/', name: 'menu.home', lazy: page },
  {
    path: '/orgs',
    name: 'menu.tenants',
    access: 'orgs.read',
    children: [
      { path: '/orgs/members', name: 'menu.home', access: 'members.read', lazy: page },
      { path: '/orgs/cadres', name: 'menu.home', access: 'cadres.read', lazy: page },
      { path: '/orgs/members/:id', name: 'menu.home', hideInMenu: true, lazy: page },
    ],
  },
  { path: '/funds', name: 'menu.home', access: ['funds.read', 'funds.approve'], lazy: page },
];

describe('route table → menu', () => {
  it('shows the tenant screens to a platform admin and hides them from tenant users', () => {
    const admin = menuFromRoutes(appRoutes, buildAccess(platformAdminMe()), t);
    const staff = menuFromRoutes(appRoutes, buildAccess(makeMe()), t);

    expect(admin.map((item) => item.path)).toEqual(['/', '/tenants']);
    expect(admin[1]?.name).toBe('t:menu.tenants');
    expect(staff.map((item) => item.path)).toEqual(['/', '/orgs', '/data']);
    expect(staff[1]?.routes?.map((item) => item.path)).toEqual(['/orgs/tree', '/orgs/members', '/orgs/transfers']);
    // no members.write / employers.write: no 数据导入; evidence and jobs follow what the user may read
    expect(staff[2]?.routes?.map((item) => item.path)).toEqual(['/data/evidence', '/data/jobs']);
  });

  it('gives every register screen the permission code its API needs', () => {
    const byPath = Object.fromEntries(leafRoutes(appRoutes).map((route) => [route.path, route.effectiveAccess]));
    expect(byPath).toMatchObject({
      '/dashboard': 'reports.read',
      '/orgs/tree': 'orgs.read',
      '/orgs/employers': 'employers.read',
      '/orgs/members': 'members.read',
      '/orgs/members/:id': 'members.read',
      '/orgs/cadres': 'cadres.read',
      '/orgs/transfers': 'members.read',
      '/system/users': 'users.manage',
      '/system/audit-log': 'audit.read',
    });
    expect(findRoute(appRoutes, '/orgs/members/42')?.path).toBe('/orgs/members/:id');
  });

  it('filters group children by their own permission and drops hidden entries', () => {
    const menu = menuFromRoutes(table, buildAccess(makeMe({ permissions: ['orgs.read', 'members.read'] })), t);

    expect(menu.map((item) => item.path)).toEqual(['/', '/orgs']);
    expect(menu[1]?.routes?.map((item) => item.path)).toEqual(['/orgs/members']);
  });

  it('drops a group the user may enter but has nothing visible in, and one it may not enter', () => {
    const nothingInside = menuFromRoutes(table, buildAccess(makeMe({ permissions: ['orgs.read'] })), t);
    const groupDenied = menuFromRoutes(table, buildAccess(makeMe({ permissions: ['members.read', 'cadres.read'] })), t);

    expect(nothingInside.map((item) => item.path)).toEqual(['/']);
    expect(groupDenied.map((item) => item.path)).toEqual(['/']);
  });

  it('treats a list of permissions as "any of"', () => {
    const menu = menuFromRoutes(table, buildAccess(makeMe({ permissions: ['funds.approve'] })), t);
    expect(menu.map((item) => item.path)).toContain('/funds');
  });

  it('gives each page the rules of its groups too (the guard uses them)', () => {
    const leaves = leafRoutes(table);
    const members = leaves.find((route) => route.path === '/orgs/members');
    const detail = leaves.find((route) => route.path === '/orgs/members/:id');

    expect(leaves.map((route) => route.path)).toEqual(['/', '/orgs/members', '/orgs/cadres', '/orgs/members/:id', '/funds']);
    expect(buildAccess(makeMe({ permissions: ['members.read'] })).can(members?.effectiveAccess)).toBe(false);
    expect(buildAccess(makeMe({ permissions: ['orgs.read', 'members.read'] })).can(members?.effectiveAccess)).toBe(true);
    expect(buildAccess(makeMe({ permissions: [] })).can(detail?.effectiveAccess)).toBe(false);
    expect(findRoute(table, '/orgs/members/12')?.path).toBe('/orgs/members/:id');
  });

  it('denies everything when nobody is signed in', () => {
    expect(menuFromRoutes(appRoutes, buildAccess(undefined), t)).toEqual([]);
  });
});
