// 证据档案: every evidence file of the records the user may read (server-side paging, newest first),
// filtered by status, record (type alone or type + number), file name, uploader and upload day; download of verified originals; a record's zip with its job's
// progress; and the list of zips requested so far.
import { useState } from 'react';
import { DownloadOutlined, FileZipOutlined } from '@ant-design/icons';
import { PageContainer, type ProColumns, ProTable } from '@ant-design/pro-components';
import { App, Button, Space, Tabs, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { paths } from '@/config/paths';
import { isApiError } from '@/lib/api-client';
import { showTotal, useProTableRequest } from '@/lib/pro-table';
import { useT } from '@/locales';
import { downloadBundle, downloadEvidence, listBundles, listEvidence, useEvidenceOptions, useRequestBundle } from '../api/evidence';
import { BundleModal } from '../components/bundle-modal';
import { EvidenceStatus } from '../components/evidence-status';
import { archiveQuery, formatBytes, formatTime } from '../format';
import { evidenceMessages, type EvidenceMessageKey } from '../locales';
import type { Bundle, BundleQuery, Evidence, EvidenceQuery } from '../types';

const STATUSES = ['pending_upload', 'verifying', 'verified', 'rejected', 'tampered'] as const;
const BUNDLE_STATUS_COLOR: Record<string, string> = { queued: 'default', running: 'processing', succeeded: 'success', failed: 'error' };

function SubjectLink({ type, id, label }: { type: string; id: number; label: string }) {
  const t = useT(evidenceMessages);
  const text = t('evidence.archive.subjectValue', { type: label, id });
  if (type === 'member') return <Link to={`${paths.members}/${id}`}>{text}</Link>;
  return <>{text}</>;
}

function FilesTab() {
  const t = useT(evidenceMessages);
  const { message } = App.useApp();
  const options = useEvidenceOptions();
  const requestBundle = useRequestBundle();
  const [bundle, setBundle] = useState<{ id: number; subject: string } | null>(null);
  const { request, estimated } = useProTableRequest<Evidence, EvidenceQuery>((args) => listEvidence(args), {
    transform: archiveQuery,
  });
  const subjectTypes = options.data?.subject_types ?? [];

  const columns: ProColumns<Evidence>[] = [
    { title: t('evidence.col.file'), dataIndex: 'q', hideInTable: true, fieldProps: { placeholder: t('evidence.archive.fileHint') } },
    {
      title: t('evidence.col.file'),
      dataIndex: 'filename',
      hideInSearch: true,
      ellipsis: true,
      width: 220,
      render: (_, row) => (
        <Space direction="vertical" size={0}>
          <Typography.Text ellipsis style={{ maxWidth: 200 }} data-testid="archive-filename">
            {row.filename}
          </Typography.Text>
          {row.status_reason ? (
            <Typography.Text type="danger" ellipsis={{ tooltip: row.status_reason }} style={{ fontSize: 12, maxWidth: 200 }}>
              {row.status_reason}
            </Typography.Text>
          ) : row.detected_type_label ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {row.detected_type_label}
            </Typography.Text>
          ) : null}
        </Space>
      ),
    },
    {
      title: t('evidence.archive.subjectType'),
      dataIndex: 'subject_type',
      valueType: 'select',
      valueEnum: Object.fromEntries(subjectTypes.map((s) => [s.code, { text: s.label }])),
      hideInTable: true,
    },
    {
      title: t('evidence.archive.subjectId'),
      dataIndex: 'subject_id',
      valueType: 'digit',
      hideInTable: true,
      fieldProps: { placeholder: t('evidence.archive.subjectIdHint'), min: 1, precision: 0 },
    },
    {
      title: t('evidence.col.subject'),
      key: 'subject',
      hideInSearch: true,
      width: 110,
      render: (_, row) => <SubjectLink type={row.subject_type} id={row.subject_id} label={row.subject_type_label} />,
    },
    {
      title: t('evidence.col.status'),
      dataIndex: 'status',
      valueType: 'select',
      valueEnum: Object.fromEntries(STATUSES.map((s) => [s, { text: t(`evidence.status.${s}` as EvidenceMessageKey) }])),
      width: 100,
      render: (_, row) => <EvidenceStatus item={row} showReason={false} />,
    },
    { title: t('evidence.archive.includeDeleted'), dataIndex: 'include_deleted', valueType: 'switch', hideInTable: true },
    { title: t('evidence.col.size'), dataIndex: 'declared_size', hideInSearch: true, width: 80, align: 'right', render: (_, row) => formatBytes(row.declared_size) },
    { title: t('evidence.col.uploader'), dataIndex: 'uploader', hideInTable: true },
    { title: t('evidence.col.uploadedAt'), dataIndex: 'uploaded', valueType: 'dateRange', hideInTable: true },
    { title: t('evidence.col.uploader'), dataIndex: 'uploader_name', hideInSearch: true, width: 100, ellipsis: true },
    { title: t('evidence.col.uploadedAt'), dataIndex: 'created_at', hideInSearch: true, width: 140, render: (_, row) => formatTime(row.created_at) },
    {
      title: t('evidence.col.sha256'),
      dataIndex: 'sha256',
      key: 'sha256',
      hideInSearch: true,
      width: 180,
      ellipsis: true,
      copyable: true,
      render: (_, row) => row.sha256 ?? row.declared_sha256,
    },
    {
      title: t('common.actions'),
      valueType: 'option',
      width: 130,
      fixed: 'right',
      render: (_, row) => [
        row.status === 'verified' && !row.deleted_at ? (
          <a
            key="download"
            data-testid="archive-download"
            onClick={async () => {
              try {
                await downloadEvidence(row.id);
                void message.success(t('evidence.action.downloadStarted', { name: row.filename }));
              } catch (e) {
                if (!isApiError(e)) void message.error(t('evidence.refuse.failed'));
              }
            }}
          >
            {t('evidence.action.download')}
          </a>
        ) : null,
        <a
          key="bundle"
          data-testid="archive-bundle"
          onClick={async () => {
            const created = await requestBundle.mutateAsync({ subject_type: row.subject_type, subject_id: row.subject_id });
            setBundle({ id: created.id, subject: t('evidence.archive.subjectValue', { type: row.subject_type_label, id: row.subject_id }) });
          }}
        >
          {t('evidence.archive.bundleRecord')}
        </a>,
      ],
    },
  ];

  return (
    <>
      <ProTable<Evidence, EvidenceQuery>
        rowKey="id"
        columns={columns}
        request={request}
        polling={(data) => (data.some((row) => row.status === 'verifying' && !row.deleted_at) ? 3000 : 0)}
        search={{ labelWidth: 'auto' }}
        scroll={{ x: 900 }}
        columnsState={{ defaultValue: { sha256: { show: false } } }}
        pagination={{ defaultPageSize: 20, showSizeChanger: true, pageSizeOptions: [20, 50, 100], showTotal: showTotal(t, estimated) }}
        options={{ reload: true, density: true, setting: true }}
        data-testid="evidence-archive-table"
      />
      {bundle ? <BundleModal bundleId={bundle.id} subject={bundle.subject} onClose={() => setBundle(null)} /> : null}
    </>
  );
}

function BundlesTab() {
  const t = useT(evidenceMessages);
  const { message } = App.useApp();
  const { request, estimated } = useProTableRequest<Bundle, BundleQuery>((args) => listBundles(args));
  const columns: ProColumns<Bundle>[] = [
    {
      title: t('evidence.bundle.col.subject'),
      key: 'subject',
      width: 160,
      render: (_, row) => <SubjectLink type={row.subject_type} id={row.subject_id} label={row.subject_type_label} />,
    },
    {
      title: t('evidence.bundle.col.status'),
      dataIndex: 'status',
      width: 100,
      render: (_, row) => <Tag color={BUNDLE_STATUS_COLOR[row.status] ?? 'default'}>{row.status_label}</Tag>,
    },
    { title: t('evidence.bundle.col.items'), dataIndex: 'item_count', width: 80, align: 'right', render: (_, row) => row.item_count ?? '—' },
    { title: t('evidence.bundle.col.size'), dataIndex: 'size', width: 90, align: 'right', render: (_, row) => formatBytes(row.size) },
    { title: t('evidence.bundle.col.requester'), dataIndex: 'requester_name', width: 100 },
    { title: t('evidence.bundle.col.createdAt'), dataIndex: 'created_at', width: 160, render: (_, row) => formatTime(row.created_at) },
    {
      title: t('common.actions'),
      valueType: 'option',
      width: 110,
      render: (_, row) => [
        row.status === 'succeeded' ? (
          <Button
            key="download"
            type="link"
            size="small"
            icon={<DownloadOutlined />}
            onClick={async () => {
              try {
                await downloadBundle(row.id);
              } catch (e) {
                if (!isApiError(e)) void message.error(t('evidence.bundle.failed'));
              }
            }}
          >
            {t('evidence.bundle.download')}
          </Button>
        ) : row.error ? (
          <Typography.Text key="error" type="danger" ellipsis={{ tooltip: row.error }} style={{ maxWidth: 100 }}>
            {row.error}
          </Typography.Text>
        ) : null,
      ],
    },
  ];
  return (
    <ProTable<Bundle, BundleQuery>
      rowKey="id"
      columns={columns}
      request={request}
      search={false}
      polling={(data) => (data.some((row) => row.status === 'queued' || row.status === 'running') ? 3000 : 0)}
      pagination={{ defaultPageSize: 20, showTotal: showTotal(t, estimated) }}
      options={{ reload: true, density: false, setting: false }}
    />
  );
}

export default function EvidenceArchivePage() {
  const t = useT(evidenceMessages);
  return (
    <PageContainer title={t('evidence.archive.title')} content={t('evidence.archive.subtitle')}>
      <Tabs
        destroyOnHidden
        items={[
          { key: 'files', label: t('evidence.archive.tabFiles'), children: <FilesTab /> },
          {
            key: 'bundles',
            label: (
              <span>
                <FileZipOutlined /> {t('evidence.archive.tabBundles')}
              </span>
            ),
            children: <BundlesTab />,
          },
        ]}
      />
    </PageContainer>
  );
}
