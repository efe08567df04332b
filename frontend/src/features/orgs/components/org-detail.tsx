// The right-hand panel of the 组织架构 page: the selected org's details and what can be done with it.
import { DeleteOutlined, DragOutlined, EditOutlined, PlusOutlined, TeamOutlined } from '@ant-design/icons';
import { ProDescriptions } from '@ant-design/pro-components';
import { Button, Empty, Popconfirm, Result, Skeleton, Space, Tag, Tooltip, Typography } from 'antd';
import dayjs from 'dayjs';
import { Link } from 'react-router';
import { RecordPanel } from '@/components/record-panels';
import { Access } from '@/lib/access';
import { isApiError } from '@/lib/api-client';
import { useT } from '@/locales';
import { useEmployer } from '../api/employers';
import { useOrg } from '../api/orgs';
import { orgsMessages } from '../locales';
import type { Org } from '../types';
import { RegisterFormButton } from './register-form-button';

export interface OrgDetailActions {
  onCreateChild: (org: Org) => void;
  onEdit: (org: Org, etag: string | null) => void;
  onMove: (org: Org) => void;
  onDelete: (org: Org, etag: string | null) => Promise<void>;
}

function EmployerName({ id }: { id: number }) {
  const { data } = useEmployer(id);
  return <>{data?.data.name ?? `#${id}`}</>;
}

export function OrgDetail({ orgId, actions }: { orgId: number | undefined; actions: OrgDetailActions }) {
  const t = useT(orgsMessages);
  const { data, isLoading, error } = useOrg(orgId);

  if (orgId === undefined) return <Empty description={t('orgs.detail.pick')} style={{ marginTop: 64 }} />;
  if (isLoading) return <Skeleton active paragraph={{ rows: 8 }} />;
  if (error || !data) {
    const notFound = isApiError(error) && error.status === 404;
    return <Result status={notFound ? '404' : 'error'} title={notFound ? t('orgs.detail.notFound') : t('orgs.detail.loadFailed')} />;
  }

  const org = data.data;
  const overdue = org.reelection_due_date && dayjs(org.reelection_due_date).isBefore(dayjs(), 'day');

  return (
    <div data-testid="org-detail">
      <Space align="start" style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Space direction="vertical" size={2}>
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="org-detail-name">
            {org.name}
          </Typography.Title>
          <Space size={6} wrap>
            <Tag color="red">{org.org_type_label}</Tag>
            {org.is_active ? null : <Tag>{t('orgs.detail.inactive')}</Tag>}
            {org.parent_name ? (
              <Typography.Text type="secondary">
                {t('orgs.field.parent')}
                {t('common.colon')}
                {org.parent_name}
              </Typography.Text>
            ) : null}
          </Space>
        </Space>
      </Space>
      <Space wrap size={8} style={{ marginBottom: 16 }}>
        <Access can="orgs.write">
          <Space wrap size={8}>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => actions.onCreateChild(org)} data-testid="org-create-child">
            {t('orgs.action.createChild')}
          </Button>
          <Button icon={<EditOutlined />} onClick={() => actions.onEdit(org, data.etag)} data-testid="org-edit">
            {t('common.edit')}
          </Button>
          {org.parent_id !== null ? (
            <Button icon={<DragOutlined />} onClick={() => actions.onMove(org)}>
              {t('orgs.action.move')}
            </Button>
          ) : null}
          {org.parent_id !== null ? (
            <Tooltip title={org.child_count > 0 ? t('orgs.action.deleteHasChildren') : undefined}>
              <Popconfirm
                title={t('orgs.action.deleteConfirm', { name: org.name })}
                okButtonProps={{ danger: true }}
                onConfirm={() => actions.onDelete(org, data.etag)}
                disabled={org.child_count > 0}
              >
                <Button danger icon={<DeleteOutlined />} disabled={org.child_count > 0}>
                  {t('common.delete')}
                </Button>
              </Popconfirm>
            </Tooltip>
          ) : null}
          </Space>
        </Access>
        <Access can="members.read">
          <Link to={`/orgs/members?under=${org.id}`}>
            <Button icon={<TeamOutlined />}>{t('orgs.action.viewMembers')}</Button>
          </Link>
        </Access>
        <RegisterFormButton form="org-register" params={{ org_id: org.id }} />
      </Space>
      <ProDescriptions<Org>
        column={2}
        size="small"
        bordered
        dataSource={org}
        labelStyle={{ width: 128 }}
        columns={[
          { title: t('orgs.field.shortName'), dataIndex: 'short_name' },
          { title: t('orgs.field.childCount'), dataIndex: 'child_count', valueType: 'digit' },
          {
            title: t('orgs.field.employer'),
            dataIndex: 'employer_id',
            render: (_, row) => (row.employer_id ? <EmployerName id={row.employer_id} /> : '-'),
          },
          { title: t('orgs.field.foundedDate'), dataIndex: 'founded_date', valueType: 'date' },
          { title: t('orgs.field.approvalNumber'), dataIndex: 'approval_number' },
          { title: t('orgs.field.approvalDate'), dataIndex: 'approval_date', valueType: 'date' },
          {
            title: t('orgs.field.reelectionDue'),
            dataIndex: 'reelection_due_date',
            render: (_, row) =>
              row.reelection_due_date ? (
                <Space size={4}>
                  {row.reelection_due_date}
                  {overdue ? <Tag color="warning">{t('orgs.detail.overdue')}</Tag> : null}
                </Space>
              ) : (
                '-'
              ),
          },
          { title: t('orgs.field.officePhone'), dataIndex: 'office_phone' },
          { title: t('orgs.field.officeAddress'), dataIndex: 'office_address', span: 2 },
          ...(org.org_type === 'temporary'
            ? [
                { title: t('orgs.field.projectName'), dataIndex: 'project_name' },
                { title: t('orgs.field.projectEndDate'), dataIndex: 'project_end_date', valueType: 'date' as const },
              ]
            : []),
          { title: t('orgs.field.remark'), dataIndex: 'remark', span: 2 },
          { title: t('orgs.field.updatedAt'), dataIndex: 'updated_at', valueType: 'dateTime', span: 2 },
        ]}
      />
      <RecordPanel name="evidence" subjectType="org" subjectId={org.id} subjectName={org.name} />
    </div>
  );
}
