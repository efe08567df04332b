// <EvidencePanel subjectType="member" subjectId={12} />: the evidence of any record — upload (hashed
// in the browser, straight to S3 with progress), verification status as it changes, download of the
// verified original, delete (marks only) and the record's zip. Other features mount it through the
// app shell's record panels (src/components/record-panels.tsx).
import { useMemo, useState } from 'react';
import { DeleteOutlined, DownloadOutlined, PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { App, Button, Card, List, Popconfirm, Progress, Space, Table, Tooltip, Typography, Upload } from 'antd';
import { useAccess } from '@/lib/access';
import { isApiError } from '@/lib/api-client';
import { useT } from '@/locales';
import { downloadEvidence, useDeleteEvidence, useEvidenceOptions, useSubjectEvidence } from '../api/evidence';
import { formatBytes, formatTime } from '../format';
import { evidenceMessages } from '../locales';
import type { Evidence } from '../types';
import { fileRefusal, type Messages, type UploadState, useEvidenceUpload } from '../use-evidence-upload';
import { BundleButton } from './bundle-modal';
import { EvidenceStatus } from './evidence-status';

/** Write permission of the built-in record types (the API enforces it; this only hides buttons). */
const WRITE_PERMISSIONS: Record<string, string> = {
  org: 'orgs.write',
  employer: 'employers.write',
  member: 'members.write',
  cadre: 'cadres.write',
};

export interface EvidencePanelProps {
  subjectType: string;
  subjectId: number;
  /** Overrides the write permission looked up for `subjectType`. */
  writePermission?: string;
  /** Shown in the zip dialog, e.g. the member's name. */
  subjectName?: string;
}

function UploadRow({ upload, onRetry, onDismiss }: { upload: UploadState; onRetry: () => void; onDismiss: () => void }) {
  const t = useT(evidenceMessages);
  const showBar = upload.phase === 'hashing' || upload.phase === 'uploading';
  return (
    <List.Item
      data-testid="evidence-upload-row"
      data-phase={upload.phase}
      actions={
        upload.phase === 'error'
          ? [
              <a key="retry" onClick={onRetry}>
                {t('evidence.action.retry')}
              </a>,
              <a key="dismiss" onClick={onDismiss}>
                {t('evidence.action.dismiss')}
              </a>,
            ]
          : []
      }
    >
      <div style={{ width: '100%' }}>
        <Space size={8} wrap>
          <PaperClipOutlined />
          <Typography.Text>{upload.name}</Typography.Text>
          <Typography.Text type="secondary">{formatBytes(upload.size)}</Typography.Text>
          <Typography.Text type={upload.phase === 'error' ? 'danger' : 'secondary'}>{t(`evidence.phase.${upload.phase}`)}</Typography.Text>
        </Space>
        {showBar ? <Progress percent={upload.percent} size="small" status="active" /> : null}
        {upload.error ? (
          <Typography.Text type="danger" style={{ display: 'block', fontSize: 12 }} data-testid="evidence-upload-error">
            {upload.error}
          </Typography.Text>
        ) : null}
      </div>
    </List.Item>
  );
}

export function EvidencePanel({ subjectType, subjectId, writePermission, subjectName }: EvidencePanelProps) {
  const t = useT(evidenceMessages);
  const { message } = App.useApp();
  const access = useAccess();
  const canWrite = access.can(writePermission ?? WRITE_PERMISSIONS[subjectType] ?? '__none__');
  const [page, setPage] = useState(1);
  const pageSize = 10;
  const options = useEvidenceOptions();
  const { data, isLoading, error } = useSubjectEvidence(subjectType, subjectId, page, pageSize);
  const remove = useDeleteEvidence();
  const messages: Messages = useMemo(
    () => ({
      tooBig: t('evidence.refuse.tooBig'),
      badType: t('evidence.refuse.badType'),
      empty: t('evidence.refuse.empty'),
      putFailed: t('evidence.refuse.putFailed'),
      failed: t('evidence.refuse.failed'),
    }),
    [t],
  );
  const target = useMemo(() => ({ subjectType, subjectId }), [subjectType, subjectId]);
  const { uploads, add, retry, dismiss } = useEvidenceUpload(target, messages);
  const accept = options.data?.allowed_types.flatMap((type) => type.extensions).join(',');
  const typeLabels = [...new Set(options.data?.allowed_types.map((type) => type.label) ?? [])].join('、');
  const typeLabel = options.data?.subject_types.find((s) => s.code === subjectType)?.label ?? subjectType;
  const subject = subjectName ? `${typeLabel}“${subjectName}”` : `${typeLabel} #${subjectId}`;
  const items = data?.items ?? [];

  return (
    <Card
      size="small"
      title={
        <Space size={6}>
          <PaperClipOutlined />
          {t('evidence.panel.title')}
          {data ? <Typography.Text type="secondary">（{data.total}）</Typography.Text> : null}
        </Space>
      }
      style={{ marginTop: 16 }}
      data-testid="evidence-panel"
      extra={
        <Space size={8}>
          {canWrite ? (
            <Upload
              multiple
              accept={accept}
              showUploadList={false}
              beforeUpload={(file) => {
                void add([file], (f) => {
                  const reason = fileRefusal(f, options.data, messages);
                  return reason ? `${reason}（${f.name}）` : null;
                });
                return false;
              }}
            >
              <Button type="primary" size="small" icon={<UploadOutlined />} data-testid="evidence-upload">
                {t('evidence.panel.upload')}
              </Button>
            </Upload>
          ) : null}
          <BundleButton subjectType={subjectType} subjectId={subjectId} subject={subject} disabled={!items.some((i) => i.status === 'verified')} />
        </Space>
      }
    >
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 8 }}>
        {t('evidence.panel.hint')}
        {options.data ? (
          <Tooltip title={t('evidence.panel.types', { types: typeLabels })}>
            <span style={{ marginInlineStart: 4, borderBottom: '1px dashed', cursor: 'help' }}>
              {t('evidence.panel.limits', { mb: Math.round(options.data.max_file_bytes / 1024 / 1024) })}
            </span>
          </Tooltip>
        ) : null}
        {!canWrite ? ` ${t('evidence.panel.noPermission')}` : ''}
      </Typography.Paragraph>
      {uploads.length ? (
        <List
          size="small"
          bordered
          style={{ marginBottom: 12 }}
          dataSource={uploads}
          renderItem={(u) => <UploadRow upload={u} onRetry={() => void retry(u.uid)} onDismiss={() => dismiss(u.uid)} />}
        />
      ) : null}
      <Table<Evidence>
        size="small"
        rowKey="id"
        loading={isLoading}
        dataSource={items}
        data-testid="evidence-list"
        locale={{ emptyText: error ? error.message : t('evidence.panel.empty') }}
        pagination={{ current: page, pageSize, total: data?.total ?? 0, onChange: setPage, hideOnSinglePage: true, size: 'small' }}
        scroll={{ x: 640 }}
        columns={[
          {
            title: t('evidence.col.file'),
            dataIndex: 'filename',
            ellipsis: true,
            render: (_, row) => (
              <>
                <Tooltip title={row.description ?? undefined}>
                  <span data-testid="evidence-filename">{row.filename}</span>
                </Tooltip>
                {row.status_reason ? (
                  <Typography.Paragraph type="danger" style={{ fontSize: 12, margin: 0, whiteSpace: 'normal' }} data-testid="evidence-reason">
                    {row.status_reason}
                  </Typography.Paragraph>
                ) : null}
              </>
            ),
          },
          { title: t('evidence.col.size'), dataIndex: 'declared_size', width: 84, align: 'right', render: (v: number) => formatBytes(v) },
          { title: t('evidence.col.status'), dataIndex: 'status', width: 96, render: (_, row) => <EvidenceStatus item={row} showReason={false} /> },
          { title: t('evidence.col.uploader'), dataIndex: 'uploader_name', width: 100, ellipsis: true },
          { title: t('evidence.col.uploadedAt'), dataIndex: 'created_at', width: 150, render: (v: string) => formatTime(v) },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 96,
            render: (_, row) => (
              <Space size={4}>
                {row.status === 'verified' && !row.deleted_at ? (
                  <Tooltip title={t('evidence.action.download')}>
                    <Button
                      type="link"
                      size="small"
                      icon={<DownloadOutlined />}
                      data-testid="evidence-download"
                      onClick={async () => {
                        try {
                          await downloadEvidence(row.id);
                        } catch (e) {
                          if (!isApiError(e)) void message.error(t('evidence.refuse.failed'));
                        }
                      }}
                    />
                  </Tooltip>
                ) : null}
                {canWrite && !row.deleted_at ? (
                  <Popconfirm
                    title={<div style={{ maxWidth: 260 }}>{t('evidence.action.deleteConfirm', { name: row.filename })}</div>}
                    okButtonProps={{ danger: true }}
                    onConfirm={async () => {
                      await remove.mutateAsync(row.id);
                      void message.success(t('evidence.action.deleted', { name: row.filename }));
                    }}
                  >
                    <Tooltip title={t('evidence.action.delete')}>
                      <Button type="link" size="small" danger icon={<DeleteOutlined />} data-testid="evidence-delete" />
                    </Tooltip>
                  </Popconfirm>
                ) : null}
              </Space>
            ),
          },
        ]}
      />
    </Card>
  );
}

export default EvidencePanel;
