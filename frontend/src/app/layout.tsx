// The signed-in shell: ProLayout with the side menu from the route table (filtered by access) and
// a header that says where the user stands: tenant, org scope, name and role, language, account.
import { lazy, Suspense, useEffect, useMemo } from 'react';
import { BankOutlined, ClusterOutlined, UserOutlined } from '@ant-design/icons';
import { ProLayout } from '@ant-design/pro-components';
import { Grid, Space, Tag, Typography } from 'antd';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { LanguageSwitch } from '@/components/language-switch';
import { Logo } from '@/components/logo';
import { PageLoading } from '@/components/page-loading';
import { type RecordPanels, RecordPanelsProvider } from '@/components/record-panels';
import { paths } from '@/config/paths';
import { buildAccess, type Me, roleLabel, useMe } from '@/lib/access';
import { type TFunction, useLocale, useT } from '@/locales';
import { AccountMenu } from '@/features/auth/components/account-menu';
import { ReviewsDueBadge } from '@/features/hardship/components/reviews-due-badge';
import { RunningJobsIndicator } from '@/features/jobs/components/running-jobs-indicator';
import { TenantSwitcher } from '@/features/tenants/components/tenant-switcher';
import { appRoutes, findRoute, menuFromRoutes } from './routes';

// Panels that features show on other features' records (<RecordPanel name="evidence" …/>).
const recordPanels: RecordPanels = {
  evidence: lazy(() => import('@/features/evidence/components/evidence-panel')),
};

function scopeLabel(me: Me, t: TFunction): string | null {
  if (!me.scope) return null;
  return me.scope.is_root ? t('layout.scopeAll', { name: me.scope.org_name }) : me.scope.org_name;
}

function HeaderContext({ me }: { me: Me }) {
  const t = useT();
  const screens = Grid.useBreakpoint();
  const showLabels = screens.xl ?? true;
  const scope = scopeLabel(me, t);
  const label = (key: 'layout.currentTenant' | 'layout.scope') =>
    showLabels ? (
      <Typography.Text type="secondary">
        {t(key)}
        {t('common.colon')}
      </Typography.Text>
    ) : null;
  return (
    <Space size={16} wrap={false} style={{ fontSize: 13 }} data-testid="header-context">
      <Space size={4} title={t('layout.currentTenant')}>
        <BankOutlined />
        {label('layout.currentTenant')}
        {me.tenant ? (
          <Typography.Text strong>{me.tenant.name}</Typography.Text>
        ) : (
          <Typography.Text type="warning">{t('layout.noTenant')}</Typography.Text>
        )}
      </Space>
      {scope && screens.md !== false ? (
        <Space size={4} title={t('layout.scope')}>
          <ClusterOutlined />
          {label('layout.scope')}
          <Typography.Text>{scope}</Typography.Text>
        </Space>
      ) : null}
    </Space>
  );
}

export function AppLayout() {
  const me = useMe();
  const t = useT();
  const [locale] = useLocale();
  const location = useLocation();
  const navigate = useNavigate();
  const access = useMemo(() => buildAccess(me), [me]);
  const menuData = useMemo(() => menuFromRoutes(appRoutes, access, t), [access, t]);
  const current = findRoute(appRoutes, location.pathname);

  useEffect(() => {
    document.title = current ? `${t(current.name)} - ${t('app.name')}` : t('app.name');
  }, [current, t]);

  return (
    <ProLayout
      title={t('app.name')}
      logo={<Logo />}
      layout="mix"
      fixSiderbar
      fixedHeader
      siderWidth={216}
      locale={locale}
      menu={{ locale: false, defaultOpenAll: true }}
      breadcrumbRender={false}
      location={{ pathname: location.pathname }}
      route={{ path: '/', routes: menuData }}
      menuItemRender={(item, dom) => {
        if (!item.path) return dom;
        if (item.path === paths.hardshipReviews) {
          return (
            <Link to={item.path}>
              <ReviewsDueBadge enabled={!!me.tenant && access.can('hardship.read')}>{dom}</ReviewsDueBadge>
            </Link>
          );
        }
        return <Link to={item.path}>{dom}</Link>;
      }}
      onMenuHeaderClick={() => void navigate(paths.home)}
      token={{ header: { heightLayoutHeader: 56 } }}
      actionsRender={() => [
        <RunningJobsIndicator key="jobs" enabled={!!me.tenant} />,
        <HeaderContext key="context" me={me} />,
        <TenantSwitcher key="tenant-switch" />,
        <LanguageSwitch key="lang" />,
      ]}
      avatarProps={{
        icon: <UserOutlined />,
        size: 'small',
        title: (
          <Space size={6}>
            <span data-testid="current-user">{me.user.display_name}</span>
            <Tag bordered={false} color="red" style={{ marginInlineEnd: 0 }}>
              {roleLabel(me.user, t)}
            </Tag>
          </Space>
        ),
        render: (_props, dom) => <AccountMenu mustChangePassword={me.user.must_change_password}>{dom}</AccountMenu>,
      }}
    >
      <RecordPanelsProvider value={recordPanels}>
        <Suspense fallback={<PageLoading />}>
          <Outlet />
        </Suspense>
      </RecordPanelsProvider>
    </ProLayout>
  );
}
