// 推荐申报: a union uploads its nomination workbook (a dry run first, or submitted at once) or enters
// lines by hand; the batches of the unions in the user's part of the county, with their judgement.
import { useRef, useState } from 'react';
import { EditOutlined, InboxOutlined, UploadOutlined } from '@ant-design/icons';
import { type ActionType, PageContainer, ProCard, type ProColumns, ProTable } from '@ant-design/pro-components';
import { Alert, App, Button, Checkbox, Form, Popconfirm, Space, Tag, Typography, Upload } from 'antd';
import dayjs from 'dayjs';
import { Link, useNavigate } from 'react-router';
import { OrgTreeSelect } from '@/components/org-tree-select';
import { paths } from '@/config/paths';
import { Access, useAccess, useMe } from '@/lib/access';
import { getWithEtag, isApiError } from '@/lib/api-client';
import { showTotal, useProTableRequest } from '@/lib/pro-table';
import { useT } from '@/locales';
import { listBatches, useBatchAction, useCreateManualBatch, useDeleteBatch, useUploadBatch } from '../api/roster';
import { CampaignPicker } from '../components/campaign-picker';
import { useCampaignParam } from '../components/use-campaign-param';
import { useRosterCodes } from '../components/codes';
import { BATCH_STATUS_COLOR } from '../components/format';
import { rosterMessages } from '../locales';
import type { Batch, BatchQuery } from '../types';

function BatchTable({ campaignId, open }: { campaignId: number; open: boolean }) {
  const t = useT(rosterMessages);
  const { message } = App.useApp();
  const codes = useRosterCodes();
  const access = useAccess();
  const actionRef = useRef<ActionType>(undefined);
  const action = useBatchAction();
  const remove = useDeleteBatch();
  const canNominate = access.can('condolence.nominate');
  const { request, estimated } = useProTableRequest<Batch, BatchQuery>((args) => listBatches(campaignId, args));

  const columns: ProColumns<Batch>[] = [
    { title: '#', dataIndex: 'id', hideInSearch: true, width: 70, render: (_, r) => <Link to={`${paths.condolenceBatches}/${r.id}`}>#{r.id}</Link> },
    { title: t('roster.batches.org'), dataIndex: 'org_id', hideInTable: true, renderFormItem: () => <OrgTreeSelect /> },
    { title: t('roster.batches.org'), dataIndex: 'org_name', hideInSearch: true, ellipsis: true, width: 220 },
    {
      title: t('roster.batches.source'),
      dataIndex: 'source',
      valueType: 'select',
      valueEnum: { upload: { text: t('roster.batches.sourceUpload') }, manual: { text: t('roster.batches.sourceManual') } },
      width: 90,
    },
    { title: t('roster.batches.filename'), dataIndex: 'filename', hideInSearch: true, ellipsis: true, width: 200 },
    {
      title: t('roster.batches.status'),
      dataIndex: 'status',
      valueType: 'select',
      valueEnum: codes.valueEnum('batch_statuses'),
      width: 170,
      render: (_, r) => (
        <Space size={4}>
          <Tag color={BATCH_STATUS_COLOR[r.status] ?? 'default'}>{r.status_label}</Tag>
          {r.status === 'processed' ? <Tag>{t('roster.batches.draft')}</Tag> : null}
        </Space>
      ),
    },
    { title: t('roster.batches.total'), dataIndex: 'lines_total', hideInSearch: true, align: 'right', width: 80 },
    { title: t('roster.batches.ok'), dataIndex: 'lines_ok', hideInSearch: true, align: 'right', width: 80 },
    {
      title: t('roster.batches.rejected'),
      dataIndex: 'lines_rejected',
      hideInSearch: true,
      align: 'right',
      width: 80,
      render: (_, r) => (r.lines_rejected ? <Typography.Text type="danger">{r.lines_rejected}</Typography.Text> : 0),
    },
    { title: t('roster.batches.skipped'), dataIndex: 'rows_skipped', hideInSearch: true, align: 'right', width: 90 },
    {
      title: t('roster.batches.createdAt'),
      dataIndex: 'created_at',
      hideInSearch: true,
      width: 150,
      render: (_, r) => dayjs(r.created_at).format('YYYY-MM-DD HH:mm'),
    },
    {
      title: t('common.actions'),
      valueType: 'option',
      fixed: 'right',
      width: 220,
      render: (_, r) => [
        <Link key="view" to={`${paths.condolenceBatches}/${r.id}`}>{t('roster.batches.view')}</Link>,
        canNominate && open && r.status === 'processed' && r.lines_total > 0 ? (
          <Popconfirm
            key="submit"
            title={t('roster.batches.submitConfirm')}
            onConfirm={async () => {
              await action.mutateAsync({ id: r.id, action: 'submit' });
              void message.success(t('roster.batches.submitted'));
              actionRef.current?.reload();
            }}
          >
            <a>{t('roster.batches.submit')}</a>
          </Popconfirm>
        ) : null,
        canNominate && open && r.source === 'upload' && (r.status === 'failed' || r.status === 'processed') ? (
          <a key="again" onClick={async () => {
            await action.mutateAsync({ id: r.id, action: 'reprocess' });
            actionRef.current?.reload();
          }}
          >
            {t('roster.batches.reprocess')}
          </a>
        ) : null,
        canNominate && r.status !== 'submitted' && r.status !== 'processing' ? (
          <Popconfirm
            key="delete"
            title={t('roster.batches.deleteConfirm')}
            okButtonProps={{ danger: true }}
            onConfirm={async () => {
              const { etag } = await getWithEtag<Batch>(`/condolence/batches/${r.id}`);
              await remove.mutateAsync({ id: r.id, etag });
              void message.success(t('common.deleted'));
              actionRef.current?.reload();
            }}
          >
            <a>{t('common.delete')}</a>
          </Popconfirm>
        ) : null,
      ],
    },
  ];

  return (
    <ProTable<Batch, BatchQuery>
      rowKey="id"
      actionRef={actionRef}
      columns={columns}
      request={request}
      search={{ labelWidth: 'auto', defaultCollapsed: true }}
      pagination={{ defaultPageSize: 20, showTotal: showTotal(t, estimated) }}
      scroll={{ x: 1300 }}
      polling={5000}
      options={{ reload: true, density: false, setting: false }}
    />
  );
}

function UploadCard({ campaignId }: { campaignId: number }) {
  const t = useT(rosterMessages);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const me = useMe();
  const upload = useUploadBatch();
  const manual = useCreateManualBatch();
  const [file, setFile] = useState<File | null>(null);
  const [orgId, setOrgId] = useState<number | undefined>(undefined);
  const [submit, setSubmit] = useState(false);
  const scopeOrg = me.scope?.org_id;

  const start = async () => {
    if (!file) return;
    try {
      const batch = await upload.mutateAsync({ campaignId, file, orgId: orgId ?? scopeOrg, submit });
      void message.success(t('roster.batches.uploaded'));
      navigate(`${paths.condolenceBatches}/${batch.id}`);
    } catch (error) {
      if (isApiError(error)) void message.error(error.message);
    }
  };

  return (
    <ProCard title={t('roster.batches.upload')} bordered style={{ marginBottom: 16 }} data-testid="roster-upload">
      <Form layout="vertical">
        <Form.Item label={t('roster.batches.org')} extra={t('roster.batches.orgHint')}>
          <OrgTreeSelect value={orgId ?? scopeOrg} onChange={(v) => setOrgId(v)} style={{ maxWidth: 420 }} data-testid="roster-upload-org" />
        </Form.Item>
        <Form.Item label={t('roster.batches.file')} extra={t('roster.batches.fileHint')}>
          <Upload.Dragger
            accept=".xlsx,.xls,.csv"
            maxCount={1}
            beforeUpload={(f) => {
              setFile(f);
              return false;
            }}
            onRemove={() => setFile(null)}
            fileList={file ? [{ uid: '1', name: file.name, status: 'done' }] : []}
          >
            <p className="ant-upload-drag-icon"><InboxOutlined /></p>
            <p>{t('roster.batches.drop')}</p>
          </Upload.Dragger>
        </Form.Item>
        <Form.Item extra={t('roster.batches.submitNowHint')}>
          <Checkbox checked={submit} onChange={(e) => setSubmit(e.target.checked)}>{t('roster.batches.submitNow')}</Checkbox>
        </Form.Item>
        <Space>
          <Button type="primary" icon={<UploadOutlined />} disabled={!file} loading={upload.isPending} onClick={() => void start()} data-testid="roster-upload-start">
            {t('roster.batches.upload')}
          </Button>
          <Button
            icon={<EditOutlined />}
            loading={manual.isPending}
            onClick={async () => {
              const batch = await manual.mutateAsync({ campaignId, orgId: orgId ?? scopeOrg });
              navigate(`${paths.condolenceBatches}/${batch.id}`);
            }}
          >
            {t('roster.batches.manual')}
          </Button>
        </Space>
      </Form>
    </ProCard>
  );
}

export default function BatchListPage() {
  const t = useT(rosterMessages);
  const { campaignId, campaign } = useCampaignParam();
  const open = Boolean(campaign?.nominations_open);
  return (
    <PageContainer title={t('roster.batches.title')} content={t('roster.batches.subtitle')} extra={<CampaignPicker value={campaignId} />}>
      {campaign && !open ? <Alert type="warning" showIcon style={{ marginBottom: 16 }} message={t('roster.batches.closed')} /> : null}
      {campaignId && open ? (
        <Access can="condolence.nominate">
          <UploadCard campaignId={campaignId} />
        </Access>
      ) : null}
      {campaignId ? <BatchTable key={campaignId} campaignId={campaignId} open={open} /> : null}
    </PageContainer>
  );
}
