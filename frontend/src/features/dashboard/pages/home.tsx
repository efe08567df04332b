import {
  ApartmentOutlined,
  ApiOutlined,
  BankOutlined,
  BarChartOutlined,
  FileTextOutlined,
  IdcardOutlined,
  SwapOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { PageContainer } from '@ant-design/pro-components';
import { Alert, Button, Card, Col, Descriptions, List, Row, Space, Statistic, Typography } from 'antd';
import { Link } from 'react-router';
import { env } from '@/config/env';
import { paths } from '@/config/paths';
import { buildAccess, roleLabel, useMe } from '@/lib/access';
import { useT } from '@/locales';
import { useIndicators } from '../api/indicators';
import { IndicatorCards } from '../components/indicator-cards';
import { dashboardMessages } from '../locales';

export default function HomePage() {
  const t = useT(dashboardMessages);
  const me = useMe();
  const access = buildAccess(me);
  const canReports = access.can('reports.read');
  const indicators = useIndicators(undefined, canReports);
  const shortcuts = [
    { to: paths.orgTree, icon: <ApartmentOutlined />, label: t('menu.orgTree'), can: 'orgs.read' },
    { to: paths.members, icon: <TeamOutlined />, label: t('menu.members'), can: 'members.read' },
    { to: paths.employers, icon: <BankOutlined />, label: t('menu.employers'), can: 'employers.read' },
    { to: paths.cadres, icon: <IdcardOutlined />, label: t('menu.cadres'), can: 'cadres.read' },
    { to: paths.transfers, icon: <SwapOutlined />, label: t('menu.transfers'), can: 'members.read' },
    { to: paths.dashboard, icon: <BarChartOutlined />, label: t('menu.dashboard'), can: 'reports.read' },
  ].filter((item) => access.can(item.can));
  const scopeText = me.scope
    ? `${me.scope.org_name}${me.scope.is_root ? t('dashboard.scopeRoot') : ''}`
    : t('common.none');

  return (
    <PageContainer title={t('dashboard.greeting', { name: me.user.display_name })} content={t('dashboard.intro')}>
      {me.is_platform_admin && !me.tenant ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          message={t('dashboard.noTenant.title')}
          description={t('dashboard.noTenant.desc')}
          action={
            <Link to={paths.tenants}>
              <Button type="primary" size="small">
                {t('dashboard.noTenant.action')}
              </Button>
            </Link>
          }
        />
      ) : null}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={16}>
          <Card>
            <Descriptions column={1} labelStyle={{ width: 120 }}>
              <Descriptions.Item label={t('dashboard.tenant')}>
                {me.tenant ? (
                  <>
                    {me.tenant.name}
                    <Typography.Text type="secondary" style={{ marginInlineStart: 8 }}>
                      {me.tenant.code}
                    </Typography.Text>
                  </>
                ) : (
                  <Typography.Text type="secondary">{t('layout.noTenant')}</Typography.Text>
                )}
              </Descriptions.Item>
              <Descriptions.Item label={t('dashboard.scope')}>{scopeText}</Descriptions.Item>
              <Descriptions.Item label={t('dashboard.role')}>{roleLabel(me.user, t)}</Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card>
            <Statistic
              title={t('dashboard.permissions')}
              value={me.permissions.length}
              suffix={t('dashboard.permissionsUnit') || undefined}
            />
          </Card>
        </Col>
        {canReports && indicators.data ? (
          <Col span={24}>
            <Card
              title={t('dashboard.home.keyNumbers')}
              extra={<Link to={paths.dashboard}>{t('dashboard.home.moreStats')}</Link>}
              data-testid="home-indicators"
            >
              <IndicatorCards totals={indicators.data.totals} />
            </Card>
          </Col>
        ) : null}
        {shortcuts.length ? (
          <Col span={24}>
            <Card title={t('dashboard.home.shortcuts')}>
              <Space wrap size={12}>
                {shortcuts.map((item) => (
                  <Link key={item.to} to={item.to}>
                    <Button icon={item.icon}>{item.label}</Button>
                  </Link>
                ))}
              </Space>
            </Card>
          </Col>
        ) : null}
        <Col span={24}>
          <Card title={t('dashboard.developer')} size="small">
            <List
              itemLayout="horizontal"
              dataSource={[
                { href: env.apiDocsUrl, icon: <ApiOutlined />, title: t('dashboard.apiDocs'), desc: t('dashboard.apiDocsDesc') },
                { href: env.openApiUrl, icon: <FileTextOutlined />, title: t('dashboard.openApi'), desc: t('dashboard.openApiDesc') },
              ]}
              renderItem={(item) => (
                <List.Item>
                  <List.Item.Meta
                    avatar={item.icon}
                    title={
                      <a href={item.href} target="_blank" rel="noreferrer">
                        {item.title}
                      </a>
                    }
                    description={<>{item.desc} · <Typography.Text code>{item.href}</Typography.Text></>}
                  />
                </List.Item>
              )}
            />
          </Card>
        </Col>
      </Row>
    </PageContainer>
  );
}
