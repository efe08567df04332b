// 数据导入: past imports (newest first, server-side paging, filters by type and status) with their
// outcome, and the way into a new one.
import { useMemo, useRef } from 'react';
import { PlusOutlined } from '@ant-design/icons';
import { type ActionType, PageContainer, type ProColumns, ProTable } from '@ant-design/pro-components';
import { Button, Typography } from 'antd';
import dayjs from 'dayjs';
import { Link } from 'react-router';
import { paths } from '@/config/paths';
import { useAccess } from '@/lib/access';
import { showTotal, useProTableRequest } from '@/lib/pro-table';
import { useT } from '@/locales';
import { listImports } from '../api/imports';
import { ImportStatusTag } from '../components/import-status-tag';
import { builtInKinds } from '../kinds';
import { importsMessages, type ImportsMessageKey } from '../locales';
import type { ImportBatch, ImportQuery } from '../types';
import { isBusy } from '../wizard-steps';

const STATUSES = ['pending', 'validating', 'validated', 'invalid', 'committing', 'committed', 'rejected', 'failed', 'cancelled'] as const;

function when(value: string | null): string {
  return value ? dayjs(value).format('YYYY-MM-DD HH:mm') : '—';
}

export default function ImportListPage() {
  const t = useT(importsMessages);
  const access = useAccess();
  const actionRef = useRef<ActionType>(undefined);
  const kinds = useMemo(() => builtInKinds(t), [t]);
  const { request, estimated } = useProTableRequest<ImportBatch, ImportQuery>((args) => listImports(args));
  const me = access.me?.user.id;

  const columns: ProColumns<ImportBatch>[] = [
    {
      title: t('imports.col.kind'),
      dataIndex: 'kind',
      valueType: 'select',
      valueEnum: Object.fromEntries(kinds.map((k) => [k.kind, { text: k.label }])),
      width: 80,
      render: (_, row) => kinds.find((k) => k.kind === row.kind)?.label ?? row.kind_label,
    },
    {
      title: t('imports.col.file'),
      dataIndex: 'filename',
      hideInSearch: true,
      ellipsis: true,
      width: 200,
      render: (_, row) => (
        <Link to={`${paths.imports}/${row.id}`} data-testid="import-link">
          {row.filename}
        </Link>
      ),
    },
    {
      title: t('imports.col.status'),
      dataIndex: 'status',
      valueType: 'select',
      valueEnum: Object.fromEntries(STATUSES.map((s) => [s, { text: t(`imports.status.${s}` as ImportsMessageKey) }])),
      width: 110,
      render: (_, row) => <ImportStatusTag status={row.status} label={row.status_label} />,
    },
    {
      title: t('imports.col.rows'),
      key: 'rows',
      hideInSearch: true,
      width: 150,
      render: (_, row) =>
        row.status === 'pending' || row.status === 'validating' || row.status === 'invalid'
          ? '—'
          : t('imports.rowsValue', { total: row.total_rows, errors: row.error_rows }),
    },
    {
      title: t('imports.col.counts'),
      key: 'counts',
      hideInSearch: true,
      width: 200,
      render: (_, row) =>
        row.status === 'committed' ? (
          t('imports.countsValue', { created: row.created_count, updated: row.updated_count, unchanged: row.unchanged_count })
        ) : row.error_message ? (
          <Typography.Text type="secondary" ellipsis={{ tooltip: row.error_message }} style={{ maxWidth: 200 }}>
            {row.error_message}
          </Typography.Text>
        ) : (
          '—'
        ),
    },
    {
      title: t('imports.col.createdBy'),
      dataIndex: 'created_by',
      hideInSearch: true,
      width: 90,
      ellipsis: true,
      render: (_, row) =>
        row.created_by === me
          ? t('imports.me')
          : (row.created_by_name ?? (row.created_by ? t('imports.user', { id: row.created_by }) : '—')),
    },
    { title: t('imports.col.createdAt'), dataIndex: 'created_at', hideInSearch: true, width: 140, render: (_, row) => when(row.created_at) },
    {
      title: t('common.actions'),
      valueType: 'option',
      width: 60,
      fixed: 'right',
      render: (_, row) => [
        <Link key="view" to={`${paths.imports}/${row.id}`}>
          {t('common.view')}
        </Link>,
      ],
    },
  ];

  return (
    <PageContainer title={t('imports.list.title')} content={t('imports.list.subtitle')}>
      <ProTable<ImportBatch, ImportQuery>
        rowKey="id"
        actionRef={actionRef}
        columns={columns}
        request={request}
        polling={(data) => (data.some((row) => isBusy(row.status)) ? 3000 : 0)}
        search={{ labelWidth: 'auto' }}
        scroll={{ x: 1010 }}
        pagination={{ defaultPageSize: 20, showSizeChanger: true, pageSizeOptions: [20, 50, 100], showTotal: showTotal(t, estimated) }}
        options={{ reload: true, density: true, setting: true }}
        data-testid="import-table"
        toolBarRender={() => [
          <Link key="new" to={paths.importNew}>
            <Button type="primary" icon={<PlusOutlined />} data-testid="import-new">
              {t('imports.list.new')}
            </Button>
          </Link>,
        ]}
      />
    </PageContainer>
  );
}
