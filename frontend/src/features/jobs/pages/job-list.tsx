// 任务中心: the tenant's background jobs the user may see (server-side paging, filters by status and
// kind), live progress while any job on the page runs, results and errors in plain words, cancel.
import { useRef, useState } from 'react';
import { type ActionType, PageContainer, type ProColumns, ProTable } from '@ant-design/pro-components';
import { App, Drawer, Popconfirm, Space, Tag, Tooltip, Typography } from 'antd';
import dayjs from 'dayjs';
import { JobProgress, JobStatusTag } from '@/components/job-progress';
import { useAccess } from '@/lib/access';
import { isJobActive, type Job } from '@/lib/jobs';
import { showTotal, useProTableRequest } from '@/lib/pro-table';
import { useLocale, useT } from '@/locales';
import { listJobs, useCancelJob } from '../api/jobs';
import { useUserNames } from '../api/users';
import { JobDetail } from '../components/job-detail';
import { StartedBy } from '../components/started-by';
import { countEntries, duration, kindLabel } from '../job-kinds';
import { jobsMessages } from '../locales';
import type { JobQuery } from '../types';

const KNOWN_KINDS = [
  'orgs.import_members_dry_run',
  'orgs.import_members_commit',
  'orgs.import_employers_dry_run',
  'orgs.import_employers_commit',
  'evidence.verify',
  'evidence.reverify',
  'evidence.bundle',
] as const;

function when(value: string | null): string {
  return value ? dayjs(value).format('YYYY-MM-DD HH:mm') : '—';
}

export default function JobListPage() {
  const t = useT(jobsMessages);
  const [locale] = useLocale();
  const { message } = App.useApp();
  const access = useAccess();
  const actionRef = useRef<ActionType>(undefined);
  const [rows, setRows] = useState<Job[]>([]);
  const [viewing, setViewing] = useState<number | null>(null);
  const cancel = useCancelJob();
  const names = useUserNames(rows.map((r) => r.started_by));
  const me = access.me?.user.id;
  const canCancel = (job: Job) => isJobActive(job) && (job.started_by === me || (access.can('jobs.read') && !!access.me?.scope?.is_root));

  const { request, estimated } = useProTableRequest<Job, JobQuery>((args) => listJobs(args), {
    transform: (filters) => ({ ...filters, mine: filters.mine ? true : undefined }),
  });

  const kindEnum = Object.fromEntries([
    ['orgs.', { text: t('jobs.kindGroup.imports') }],
    ['evidence.', { text: t('jobs.kindGroup.evidence') }],
    ...KNOWN_KINDS.map((k) => [k, { text: kindLabel(t, k, locale) }]),
  ]);
  const statusEnum = Object.fromEntries(
    (['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const).map((s) => [s, { text: t(`job.status.${s}`) }]),
  );

  const columns: ProColumns<Job>[] = [
    {
      title: t('jobs.col.kind'),
      dataIndex: 'kind',
      valueType: 'select',
      valueEnum: kindEnum,
      width: 150,
      render: (_, row) => (
        <a onClick={() => setViewing(row.id)} data-testid="job-kind">
          {kindLabel(t, row.kind, locale)}
        </a>
      ),
    },
    {
      title: t('jobs.col.status'),
      dataIndex: 'status',
      valueType: 'select',
      valueEnum: statusEnum,
      width: 90,
      render: (_, row) => <JobStatusTag job={row} />,
    },
    {
      title: t('jobs.col.progress'),
      key: 'progress',
      hideInSearch: true,
      width: 150,
      render: (_, row) => <JobProgress job={row} size="small" showCounts={false} />,
    },
    {
      title: t('jobs.col.result'),
      key: 'result',
      hideInSearch: true,
      width: 240,
      render: (_, row) => {
        if (row.error) {
          return (
            <Tooltip title={row.error}>
              <Typography.Text type="danger" ellipsis style={{ maxWidth: 220 }} data-testid="job-error">
                {row.error}
              </Typography.Text>
            </Tooltip>
          );
        }
        // In the list only what happened (non-zero counts); the drawer has everything.
        const entries = countEntries(t, row).filter((e) => e.value !== '0');
        if (!entries.length) return '—';
        return (
          <Space size={[4, 4]} wrap>
            {entries.map((e) => (
              <Tag key={e.key} bordered={false} style={{ marginInlineEnd: 0 }}>
                {`${e.label} ${e.value}`.trim()}
              </Tag>
            ))}
          </Space>
        );
      },
    },
    {
      title: t('jobs.col.startedBy'),
      dataIndex: 'started_by',
      hideInSearch: true,
      width: 70,
      render: (_, row) => <StartedBy id={row.started_by} name={row.started_by_name} names={names} />,
    },
    {
      title: t('jobs.filter.mine'),
      dataIndex: 'mine',
      valueType: 'switch',
      hideInTable: true,
    },
    { title: t('jobs.col.createdAt'), dataIndex: 'created_at', hideInSearch: true, width: 140, render: (_, row) => when(row.created_at) },
    {
      title: t('jobs.col.duration'),
      key: 'duration',
      hideInSearch: true,
      width: 80,
      render: (_, row) => duration(t, row.started_at, row.finished_at) ?? '—',
    },
    {
      title: t('common.actions'),
      valueType: 'option',
      width: 90,
      fixed: 'right',
      render: (_, row) => [
        <a key="view" onClick={() => setViewing(row.id)}>
          {t('jobs.detail')}
        </a>,
        canCancel(row) && !row.cancel_requested ? (
          <Popconfirm
            key="cancel"
            title={t('jobs.cancelConfirm', { kind: kindLabel(t, row.kind, locale) })}
            description={<div style={{ maxWidth: 280 }}>{t('jobs.cancelHint')}</div>}
            okButtonProps={{ danger: true }}
            onConfirm={async () => {
              await cancel.mutateAsync(row.id);
              void message.success(t('jobs.cancelRequested'));
              actionRef.current?.reload();
            }}
          >
            <a data-testid="job-cancel">{t('jobs.cancel')}</a>
          </Popconfirm>
        ) : null,
      ],
    },
  ];

  return (
    <PageContainer title={t('jobs.title')} content={t('jobs.subtitle')}>
      <ProTable<Job, JobQuery>
        rowKey="id"
        actionRef={actionRef}
        columns={columns}
        request={request}
        onLoad={(data) => setRows(data)}
        polling={(data) => (data.some((job) => isJobActive(job)) ? 2000 : 0)}
        search={{ labelWidth: 'auto' }}
        scroll={{ x: 1010 }}
        pagination={{ defaultPageSize: 20, showSizeChanger: true, pageSizeOptions: [20, 50, 100], showTotal: showTotal(t, estimated) }}
        options={{ reload: true, density: true, setting: true }}
        data-testid="job-table"
      />
      <Drawer open={viewing !== null} width={560} title={viewing ? t('jobs.detailTitle', { id: viewing }) : null} onClose={() => setViewing(null)} destroyOnHidden>
        {viewing !== null ? <JobDetail jobId={viewing} /> : null}
      </Drawer>
    </PageContainer>
  );
}
