// 用户管理: the county's accounts — role, org scope, active or not; create, edit, reset password.
import { useRef, useState } from 'react';
import { PlusOutlined } from '@ant-design/icons';
import { type ActionType, PageContainer, type ProColumns, ProTable } from '@ant-design/pro-components';
import { Button, Tag } from 'antd';
import { OrgName } from '@/components/org-name';
import { showTotal, useProTableRequest } from '@/lib/pro-table';
import { useT } from '@/locales';
import { listUsers } from '../api/users';
import { ResetPasswordForm, UserForm } from '../components/user-form';
import { authMessages } from '../locales';
import { TENANT_ROLES } from '../roles';
import type { User, UserQuery } from '../types';

export default function UserListPage() {
  const t = useT(authMessages);
  const actionRef = useRef<ActionType>(undefined);
  const [editing, setEditing] = useState<{ user?: User } | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);
  const { request, estimated } = useProTableRequest<User, UserQuery>((args) => listUsers(args));

  const columns: ProColumns<User>[] = [
    { title: t('auth.users.keyword'), dataIndex: 'q', hideInTable: true, fieldProps: { placeholder: t('auth.users.qPlaceholder') } },
    { title: t('auth.users.username'), dataIndex: 'username', hideInSearch: true, width: 150, copyable: true },
    { title: t('auth.users.displayName'), dataIndex: 'display_name', hideInSearch: true, width: 100 },
    {
      title: t('layout.role'),
      dataIndex: 'role',
      valueType: 'select',
      valueEnum: Object.fromEntries(TENANT_ROLES.map((role) => [role, { text: t(`role.${role}`) }])),
      width: 130,
    },
    {
      title: t('auth.users.scope'),
      dataIndex: 'scope_org_id',
      hideInSearch: true,
      ellipsis: true,
      width: 180,
      render: (_, row) => <OrgName id={row.scope_org_id} />,
    },
    { title: t('auth.users.mobile'), dataIndex: 'mobile', key: 'mobile', hideInSearch: true, width: 110 },
    {
      title: t('auth.users.status'),
      dataIndex: 'is_active',
      hideInSearch: true,
      width: 120,
      render: (_, row) => (
        <>
          {row.is_active ? <Tag color="success">{t('auth.users.active')}</Tag> : <Tag>{t('auth.users.disabled')}</Tag>}
          {row.must_change_password ? <Tag color="warning">{t('auth.users.mustChange')}</Tag> : null}
        </>
      ),
    },
    { title: t('auth.users.lastLogin'), dataIndex: 'last_login_at', valueType: 'dateTime', hideInSearch: true, width: 160 },
    {
      title: t('common.actions'),
      valueType: 'option',
      width: 130,
      render: (_, row) => [
        <a key="edit" onClick={() => setEditing({ user: row })}>
          {t('common.edit')}
        </a>,
        <a key="reset" onClick={() => setResetting(row)}>
          {t('auth.users.reset')}
        </a>,
      ],
    },
  ];

  return (
    <PageContainer title={t('auth.users.title')} content={t('auth.users.subtitle')}>
      <ProTable<User, UserQuery>
        rowKey="id"
        actionRef={actionRef}
        columns={columns}
        request={request}
        search={{ labelWidth: 'auto' }}
        scroll={{ x: 980 }}
        columnsState={{ defaultValue: { mobile: { show: false } } }}
        pagination={{ defaultPageSize: 20, showSizeChanger: true, pageSizeOptions: [20, 50, 100], showTotal: showTotal(t, estimated) }}
        dateFormatter="string"
        options={{ reload: true, density: true, setting: true }}
        toolBarRender={() => [
          <Button key="create" type="primary" icon={<PlusOutlined />} onClick={() => setEditing({})}>
            {t('auth.users.create')}
          </Button>,
        ]}
      />
      {editing ? (
        <UserForm
          user={editing.user}
          onClose={() => setEditing(null)}
          onDone={() => {
            setEditing(null);
            actionRef.current?.reload();
          }}
        />
      ) : null}
      {resetting ? (
        <ResetPasswordForm
          user={resetting}
          onClose={() => {
            setResetting(null);
            actionRef.current?.reload();
          }}
        />
      ) : null}
    </PageContainer>
  );
}
