// 操作日志: who changed what and when — every change to a record, every sign-in, every reveal or
// export of full ID numbers. Newest first, filterable by action, record and time.
import { PageContainer, type ProColumns, ProTable } from '@ant-design/pro-components';
import { Popover, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { showTotal, useProTableRequest } from '@/lib/pro-table';
import { useT } from '@/locales';
import { listAuditLog } from '../api/users';
import { changeLines } from '../audit';
import { AUDIT_ACTIONS, AUDIT_ENTITIES, authMessages } from '../locales';
import type { AuditLogEntry, AuditLogQuery } from '../types';

const SENSITIVE = new Set(['member.reveal_id_number', 'member.export_id_numbers', 'platform.switch_tenant']);

function Changes({ changes }: { changes: AuditLogEntry['changes'] }) {
  const lines = changeLines(changes);
  if (!lines.length) return <Typography.Text type="secondary">-</Typography.Text>;
  const shown = lines.slice(0, 2);
  const body = (
    <div style={{ maxWidth: 520, maxHeight: 320, overflow: 'auto', fontSize: 12, whiteSpace: 'pre-wrap' }}>{lines.join('\n')}</div>
  );
  return (
    <Popover content={body} placement="left">
      <div style={{ fontSize: 12, lineHeight: 1.5, cursor: 'default' }}>
        {shown.map((line) => (
          <div key={line} style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis', maxWidth: 360 }}>
            {line}
          </div>
        ))}
        {lines.length > shown.length ? <Typography.Text type="secondary">…</Typography.Text> : null}
      </div>
    </Popover>
  );
}

export default function AuditLogPage() {
  const t = useT(authMessages);
  const actionLabel = (code: string) => (AUDIT_ACTIONS.includes(code) ? t(`auth.audit.action.${code}` as 'auth.audit.action.auth.login') : code);
  const entityLabel = (code: string) => (AUDIT_ENTITIES.includes(code) ? t(`auth.audit.entity.${code}` as 'auth.audit.entity.user') : code);

  const { request, estimated } = useProTableRequest<AuditLogEntry, AuditLogQuery>((args) => listAuditLog(args), {
    transform: ({ period, ...rest }) => {
      const range = Array.isArray(period) ? (period as string[]) : [];
      return {
        ...rest,
        since: range[0] ? dayjs(range[0]).startOf('day').toISOString() : undefined,
        until: range[1] ? dayjs(range[1]).endOf('day').toISOString() : undefined,
      };
    },
  });

  const columns: ProColumns<AuditLogEntry>[] = [
    { title: t('auth.audit.at'), dataIndex: 'at', valueType: 'dateTime', hideInSearch: true, width: 170 },
    { title: t('auth.audit.period'), dataIndex: 'period', valueType: 'dateRange', hideInTable: true },
    {
      title: t('auth.audit.actor'),
      dataIndex: 'actor_name',
      hideInSearch: true,
      width: 140,
      render: (_, row) => row.actor_name ?? t('auth.audit.system'),
    },
    { title: t('auth.audit.actorId'), dataIndex: 'actor_user_id', valueType: 'digit', hideInTable: true },
    {
      title: t('auth.audit.action'),
      dataIndex: 'action',
      valueType: 'select',
      valueEnum: Object.fromEntries(AUDIT_ACTIONS.map((code) => [code, { text: actionLabel(code) }])),
      width: 170,
      render: (_, row) => <Tag color={SENSITIVE.has(row.action) ? 'orange' : undefined}>{actionLabel(row.action)}</Tag>,
    },
    {
      title: t('auth.audit.entity'),
      dataIndex: 'entity_type',
      valueType: 'select',
      valueEnum: Object.fromEntries(AUDIT_ENTITIES.map((code) => [code, { text: entityLabel(code) }])),
      width: 140,
      render: (_, row) => (
        <Space size={4}>
          {entityLabel(row.entity_type)}
          {row.entity_id != null ? <Typography.Text type="secondary">#{row.entity_id}</Typography.Text> : null}
        </Space>
      ),
    },
    { title: t('auth.audit.entityId'), dataIndex: 'entity_id', valueType: 'digit', hideInTable: true },
    { title: t('auth.audit.changes'), dataIndex: 'changes', hideInSearch: true, render: (_, row) => <Changes changes={row.changes} /> },
    { title: t('auth.audit.ip'), dataIndex: 'ip', hideInSearch: true, width: 120 },
  ];

  return (
    <PageContainer title={t('auth.audit.title')} content={t('auth.audit.subtitle')}>
      <ProTable<AuditLogEntry, AuditLogQuery>
        rowKey="id"
        columns={columns}
        request={request}
        search={{ labelWidth: 'auto', defaultCollapsed: true }}
        pagination={{ defaultPageSize: 20, showSizeChanger: true, pageSizeOptions: [20, 50, 100], showTotal: showTotal(t, estimated) }}
        dateFormatter="string"
        options={{ reload: true, density: true, setting: true }}
      />
    </PageContainer>
  );
}
