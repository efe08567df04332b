// THE route table (STYLE 6.8). One entry per screen: it drives createBrowserRouter (router.tsx),
// the layout's side menu (layout.tsx) and the access guard (a loader per route). To add a screen,
// add an entry here and a page under src/features/<feature>/pages/ whose default export is the page.
import type { ComponentType, ReactNode } from 'react';
import {
  ApartmentOutlined,
  AuditOutlined,
  BankOutlined,
  BarChartOutlined,
  ClusterOutlined,
  HomeOutlined,
  IdcardOutlined,
  SettingOutlined,
  SwapOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { matchPath } from 'react-router';
import { paths } from '@/config/paths';
import type { AccessRule, AccessState } from '@/lib/access';
import type { MessageKey } from '@/locales';

export interface RouteModule {
  default: ComponentType;
}

export interface AppRoute {
  /** Absolute path, e.g. '/orgs/members' (may hold params: '/orgs/members/:id'). */
  path: string;
  /** i18n key of the menu entry and page title (src/locales). */
  name: MessageKey;
  icon?: ReactNode;
  /** Who may see and open it; absent means every signed-in user. Groups pass theirs down. */
  access?: AccessRule;
  /** Routable but not in the menu (detail pages, wizards). */
  hideInMenu?: boolean;
  /** The page module; absent for a pure menu group. */
  lazy?: () => Promise<RouteModule>;
  /** Menu group children (paths are still absolute). */
  children?: AppRoute[];
}

export const appRoutes: AppRoute[] = [
  {
    path: paths.home,
    name: 'menu.home',
    icon: <HomeOutlined />,
    lazy: () => import('@/features/dashboard/pages/home'),
  },
  {
    path: paths.dashboard,
    name: 'menu.dashboard',
    icon: <BarChartOutlined />,
    access: 'reports.read',
    lazy: () => import('@/features/dashboard/pages/statistics'),
  },
  {
    path: '/orgs',
    name: 'menu.register',
    icon: <ClusterOutlined />,
    children: [
      {
        path: paths.orgTree,
        name: 'menu.orgTree',
        icon: <ApartmentOutlined />,
        access: 'orgs.read',
        lazy: () => import('@/features/orgs/pages/org-tree'),
      },
      {
        path: paths.employers,
        name: 'menu.employers',
        icon: <BankOutlined />,
        access: 'employers.read',
        lazy: () => import('@/features/orgs/pages/employer-list'),
      },
      {
        path: paths.members,
        name: 'menu.members',
        icon: <TeamOutlined />,
        access: 'members.read',
        lazy: () => import('@/features/orgs/pages/member-list'),
      },
      {
        path: `${paths.members}/:id`,
        name: 'menu.memberDetail',
        access: 'members.read',
        hideInMenu: true,
        lazy: () => import('@/features/orgs/pages/member-detail'),
      },
      {
        path: paths.cadres,
        name: 'menu.cadres',
        icon: <IdcardOutlined />,
        access: 'cadres.read',
        lazy: () => import('@/features/orgs/pages/cadre-list'),
      },
      {
        path: paths.transfers,
        name: 'menu.transfers',
        icon: <SwapOutlined />,
        access: 'members.read',
        lazy: () => import('@/features/orgs/pages/transfer-list'),
      },
    ],
  },
  {
    path: '/system',
    name: 'menu.system',
    icon: <SettingOutlined />,
    children: [
      {
        path: paths.users,
        name: 'menu.users',
        icon: <UserOutlined />,
        access: 'users.manage',
        lazy: () => import('@/features/auth/pages/user-list'),
      },
      {
        path: paths.auditLog,
        name: 'menu.auditLog',
        icon: <AuditOutlined />,
        access: 'audit.read',
        lazy: () => import('@/features/auth/pages/audit-log'),
      },
    ],
  },
  {
    path: paths.tenants,
    name: 'menu.tenants',
    icon: <ApartmentOutlined />,
    access: 'tenants.manage',
    lazy: () => import('@/features/tenants/pages/tenant-list'),
  },
];

/** Every rule of a route and of the groups above it must pass. */
export function allOf(rules: readonly (AccessRule | undefined)[]): AccessRule | undefined {
  const present = rules.filter((rule): rule is AccessRule => rule !== undefined);
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return (access: AccessState) => present.every((rule) => access.can(rule));
}

export interface LeafRoute extends AppRoute {
  lazy: () => Promise<RouteModule>;
  /** The route's own rule combined with its groups'. */
  effectiveAccess?: AccessRule;
}

/** The routable entries (those with a page), flattened, each with its effective access rule. */
export function leafRoutes(routes: readonly AppRoute[], inherited: readonly AccessRule[] = []): LeafRoute[] {
  const out: LeafRoute[] = [];
  for (const route of routes) {
    const chain = route.access === undefined ? inherited : [...inherited, route.access];
    if (route.lazy) out.push({ ...route, lazy: route.lazy, effectiveAccess: allOf(chain) });
    if (route.children) out.push(...leafRoutes(route.children, chain));
  }
  return out;
}

/** ProLayout's MenuDataItem subset we produce. */
export interface MenuItem {
  path: string;
  name: string;
  icon?: ReactNode;
  routes?: MenuItem[];
}

/**
 * The side menu for this user: entries whose access fails or that are hidden are dropped, and so
 * is a group left with nothing visible in it. Names are translated with `t`.
 */
export function menuFromRoutes(
  routes: readonly AppRoute[],
  access: AccessState,
  t: (key: MessageKey) => string,
): MenuItem[] {
  const items: MenuItem[] = [];
  for (const route of routes) {
    if (route.hideInMenu || !access.can(route.access)) continue;
    const children = route.children ? menuFromRoutes(route.children, access, t) : [];
    if (route.children && !route.lazy && children.length === 0) continue;
    items.push({
      path: route.path,
      name: t(route.name),
      icon: route.icon,
      ...(children.length ? { routes: children } : {}),
    });
  }
  return items;
}

/** The table entry that renders `pathname` (for the page title and breadcrumbs). */
export function findRoute(routes: readonly AppRoute[], pathname: string): LeafRoute | undefined {
  return leafRoutes(routes).find((route) => matchPath({ path: route.path, end: true }, pathname));
}
