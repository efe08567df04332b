// THE route table (STYLE 6.8). One entry per screen: it drives createBrowserRouter (router.tsx),
// the layout's side menu (layout.tsx) and the access guard (a loader per route). To add a screen,
// add an entry here and a page under src/features/<feature>/pages/ whose default export is the page.
import type { ComponentType, ReactNode } from 'react';
import {
  ApartmentOutlined,
  AuditOutlined,
  BankOutlined,
  BarChartOutlined,
  CalendarOutlined,
  CloudUploadOutlined,
  ClusterOutlined,
  FileProtectOutlined,
  HeartOutlined,
  MoneyCollectOutlined,
  PieChartOutlined,
  ScheduleOutlined,
  SolutionOutlined,
  DatabaseOutlined,
  FieldTimeOutlined,
  SafetyCertificateOutlined,
  HomeOutlined,
  IdcardOutlined,
  SettingOutlined,
  SwapOutlined,
  TeamOutlined,
  UnorderedListOutlined,
  UserOutlined,
  GiftOutlined,
  FundOutlined,
  NotificationOutlined,
  CarOutlined,
  LineChartOutlined,
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
    path: '/data',
    name: 'menu.data',
    icon: <DatabaseOutlined />,
    access: (a: AccessState) => a.hasTenant,
    children: [
      {
        path: paths.imports,
        name: 'menu.imports',
        icon: <CloudUploadOutlined />,
        access: ['members.write', 'employers.write'],
        lazy: () => import('@/features/imports/pages/import-list'),
      },
      {
        path: paths.importNew,
        name: 'menu.importNew',
        access: ['members.write', 'employers.write'],
        hideInMenu: true,
        lazy: () => import('@/features/imports/pages/import-new'),
      },
      {
        path: `${paths.imports}/:id`,
        name: 'menu.importDetail',
        access: ['members.write', 'employers.write'],
        hideInMenu: true,
        lazy: () => import('@/features/imports/pages/import-detail'),
      },
      {
        path: paths.evidence,
        name: 'menu.evidence',
        icon: <SafetyCertificateOutlined />,
        access: ['orgs.read', 'employers.read', 'members.read', 'cadres.read'],
        lazy: () => import('@/features/evidence/pages/evidence-archive'),
      },
      {
        path: paths.jobs,
        name: 'menu.jobs',
        icon: <FieldTimeOutlined />,
        lazy: () => import('@/features/jobs/pages/job-list'),
      },
    ],
  },
  {
    path: '/hardship',
    name: 'menu.hardship',
    icon: <HeartOutlined />,
    access: 'hardship.read',
    children: [
      {
        path: paths.hardshipHouseholds,
        name: 'menu.hardshipHouseholds',
        icon: <SolutionOutlined />,
        lazy: () => import('@/features/hardship/pages/household-list'),
      },
      {
        path: `${paths.hardshipHouseholds}/:id`,
        name: 'menu.hardshipHouseholdDetail',
        hideInMenu: true,
        lazy: () => import('@/features/hardship/pages/household-detail'),
      },
      {
        path: paths.hardshipReviews,
        name: 'menu.hardshipReviews',
        icon: <ScheduleOutlined />,
        lazy: () => import('@/features/hardship/pages/reviews-due'),
      },
      {
        path: paths.hardshipReliefs,
        name: 'menu.hardshipReliefs',
        icon: <MoneyCollectOutlined />,
        lazy: () => import('@/features/hardship/pages/relief-list'),
      },
      {
        path: paths.hardshipDashboard,
        name: 'menu.hardshipDashboard',
        icon: <PieChartOutlined />,
        lazy: () => import('@/features/hardship/pages/dashboard'),
      },
      {
        path: paths.hardshipPolicies,
        name: 'menu.hardshipPolicies',
        icon: <FileProtectOutlined />,
        lazy: () => import('@/features/hardship/pages/policies'),
      },
    ],
  },
  {
    path: '/condolence',
    name: 'menu.condolence',
    icon: <GiftOutlined />,
    access: 'condolence.read',
    children: [
      {
        path: paths.condolenceCampaigns,
        name: 'menu.condolenceCampaigns',
        icon: <CalendarOutlined />,
        lazy: () => import('@/features/condolence/pages/campaign-list'),
      },
      {
        path: `${paths.condolenceCampaigns}/new`,
        name: 'menu.condolenceCampaignEdit',
        access: 'condolence.manage',
        hideInMenu: true,
        lazy: () => import('@/features/condolence/pages/campaign-edit'),
      },
      {
        path: `${paths.condolenceCampaigns}/:id/edit`,
        name: 'menu.condolenceCampaignEdit',
        access: 'condolence.manage',
        hideInMenu: true,
        lazy: () => import('@/features/condolence/pages/campaign-edit'),
      },
      {
        path: `${paths.condolenceCampaigns}/:id`,
        name: 'menu.condolenceCampaignDetail',
        hideInMenu: true,
        lazy: () => import('@/features/condolence/pages/campaign-detail'),
      },
      {
        path: paths.condolenceNominations,
        name: 'menu.condolenceNominations',
        icon: <CloudUploadOutlined />,
        lazy: () => import('@/features/condolence/pages/batch-list'),
      },
      {
        path: `${paths.condolenceBatches}/:id`,
        name: 'menu.condolenceBatchDetail',
        hideInMenu: true,
        lazy: () => import('@/features/condolence/pages/batch-detail'),
      },
      {
        path: paths.condolenceRoster,
        name: 'menu.condolenceRoster',
        icon: <UnorderedListOutlined />,
        lazy: () => import('@/features/condolence/pages/line-list'),
      },
      {
        path: paths.condolenceReview,
        name: 'menu.condolenceReview',
        icon: <AuditOutlined />,
        access: 'condolence.review',
        lazy: () => import('@/features/condolence/pages/review-queue'),
      },
      {
        path: paths.condolenceBalancing,
        name: 'menu.condolenceBalancing',
        icon: <FundOutlined />,
        lazy: () => import('@/features/condolence/pages/balancing'),
      },
      {
        path: paths.condolenceNotices,
        name: 'menu.condolenceNotices',
        icon: <NotificationOutlined />,
        lazy: () => import('@/features/condolence/pages/notice-list'),
      },
      {
        path: paths.condolenceVisits,
        name: 'menu.condolenceVisits',
        icon: <CarOutlined />,
        lazy: () => import('@/features/condolence/pages/visit-groups'),
      },
      {
        path: paths.condolencePayments,
        name: 'menu.condolencePayments',
        icon: <MoneyCollectOutlined />,
        lazy: () => import('@/features/condolence/pages/payment-batches'),
      },
      {
        path: paths.condolenceSummaries,
        name: 'menu.condolenceSummaries',
        icon: <LineChartOutlined />,
        lazy: () => import('@/features/condolence/pages/summary-dashboard'),
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
