import { useRef } from 'react';
import { LoginOutlined } from '@ant-design/icons';
import { type ActionType, type ProColumns, ProTable } from '@ant-design/pro-components';
import { App, Button, Popconfirm, Tag } from 'antd';
import { useNavigate } from 'react-router';
import { paths } from '@/config/paths';
import { useAccess } from '@/lib/access';
import { toProTableRequest } from '@/lib/pro-table';
import { useT } from '@/locales';
import { listTenants, useSwitchTenant } from '../api/tenants';
import { tenantsMessages } from '../locales';
import type { Tenant } from '../types';

const request = toProTableRequest<Tenant>((args) => listTenants(args));

export function TenantTable() {
  const t = useT(tenantsMessages);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const access = useAccess();
  const actionRef = useRef<ActionType>(undefined);
  const switchMutation = useSwitchTenant();
  const currentTenantId = access.me?.tenant?.id;
  const canSwitch = access.can('tenants.switch');

  const enter = (tenant: Tenant) => {
    switchMutation.mutate(tenant.id, {
      onSuccess: () => {
        void message.success(t('tenants.switch.done', { name: tenant.name }));
        void navigate(paths.home);
      },
    });
  };

  const columns: ProColumns<Tenant>[] = [
    { title: t('tenants.field.code'), dataIndex: 'code', width: 140, copyable: true },
    {
      title: t('tenants.field.name'),
      dataIndex: 'name',
      ellipsis: true,
      render: (_, tenant) => (
        <>
          {tenant.name}
          {tenant.id === currentTenantId ? (
            <Tag color="processing" style={{ marginInlineStart: 8 }}>
              {t('tenants.switch.current')}
            </Tag>
          ) : null}
        </>
      ),
    },
    { title: t('tenants.field.region'), dataIndex: 'region_code', width: 130 },
    {
      title: t('tenants.field.area'),
      key: 'area',
      render: (_, tenant) => [tenant.province, tenant.city].filter(Boolean).join(' / ') || '-',
    },
    {
      title: t('tenants.field.status'),
      dataIndex: 'status',
      width: 100,
      valueEnum: {
        active: { text: t('tenants.status.active'), status: 'Success' },
        suspended: { text: t('tenants.status.suspended'), status: 'Default' },
      },
    },
    { title: t('tenants.field.createdAt'), dataIndex: 'created_at', valueType: 'dateTime', width: 180 },
    {
      title: t('common.actions'),
      key: 'actions',
      valueType: 'option',
      width: 140,
      hideInTable: !canSwitch,
      render: (_, tenant) => {
        const isCurrent = tenant.id === currentTenantId;
        const suspended = tenant.status === 'suspended';
        return (
          <Popconfirm
            key="switch"
            title={t('tenants.switch.confirm', { name: tenant.name })}
            onConfirm={() => enter(tenant)}
            disabled={isCurrent || suspended}
          >
            <Button
              type="link"
              size="small"
              icon={<LoginOutlined />}
              disabled={isCurrent || suspended}
              title={suspended ? t('tenants.switch.suspended') : undefined}
              loading={switchMutation.isPending && switchMutation.variables === tenant.id}
            >
              {t('tenants.switch.action')}
            </Button>
          </Popconfirm>
        );
      },
    },
  ];

  return (
    <ProTable<Tenant>
      rowKey="id"
      actionRef={actionRef}
      columns={columns}
      request={request}
      search={false}
      pagination={{ defaultPageSize: 20, showSizeChanger: true, pageSizeOptions: [20, 50, 100] }}
      options={{ reload: true, density: true, setting: true }}
      dateFormatter="string"
    />
  );
}
