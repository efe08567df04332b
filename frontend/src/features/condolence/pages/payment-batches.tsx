// 打卡发放: what can be paid now (and why the rest cannot), bank batch files of payable lines, the file
// for the bank (full card numbers: county only, every download audited), the bank's return file, and
// each batch's payments. A line is never paid twice.
import { useCallback, useRef, useState } from 'react';
import { type ActionType, ModalForm, PageContainer, type ProColumns, ProFormText, ProTable } from '@ant-design/pro-components';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Drawer, Popconfirm, Row, Space, Statistic, Tag, Typography, Upload } from 'antd';
import { Access } from '@/lib/access';
import type { Job } from '@/lib/jobs';
import { showTotal, useProTableRequest } from '@/lib/pro-table';
import { useT } from '@/locales';
import {
  listPaymentBatches,
  listPayments,
  useCancelPaymentBatch,
  useCreatePaymentBatch,
  useImportResults,
  usePayable,
  workflowKeys,
} from '../api/workflow';
import { explain } from '../components/workflow-errors';
import { ExportLink } from '../components/export-link';
import { PreparingTag } from '../components/preparing-tag';
import { useJobFollower } from '../components/use-job-follower';
import { CampaignPicker } from '../components/workflow-campaign';
import { useCampaignParam } from '../components/use-workflow-campaign';
import { formatYuan } from '../components/workflow-money';
import { StatusTag } from '../components/workflow-status-tag';
import { scoped } from '../components/workflow-table';
import { workflowMessages } from '../workflow-locales';
import type { Payment, PaymentBatch } from '../workflow-types';

const BATCH_COLORS: Record<string, string> = { exported: 'processing', partial: 'orange', completed: 'green', cancelled: 'default' };
const NOT_READY = ['preparing', 'failed', 'cancelled'];

export default function PaymentBatchesPage() {
  const t = useT(workflowMessages);
  const { message, modal } = App.useApp();
  const { campaignId } = useCampaignParam();
  const payable = usePayable(campaignId);
  const [creating, setCreating] = useState(false);
  const [viewing, setViewing] = useState<PaymentBatch | null>(null);
  const create = useCreatePaymentBatch();
  const cancel = useCancelPaymentBatch();
  const importResults = useImportResults();
  const batches = useProTableRequest<PaymentBatch>(scoped(listPaymentBatches));
  const p = payable.data;
  const table = useRef<ActionType>(null);
  const qc = useQueryClient();

  // A batch's job ended: refresh the batches and what is payable, and say how it went.
  const prepared = useCallback((job: Job) => {
    void table.current?.reload();
    void qc.invalidateQueries({ queryKey: workflowKeys.all });
    const r = job.result as { batch_no?: string; lines?: number; total_fen?: number } | null;
    if (job.status === 'succeeded' && r?.batch_no) message.success(t('cw.pay.created', { no: r.batch_no, n: r.lines ?? 0, total: formatYuan(r.total_fen ?? 0) }));
    else if (job.status !== 'succeeded') message.error(t('cw.pay.prepareFailed', { error: job.error ?? '' }));
  }, [qc, message, t]);
  const follower = useJobFollower(prepared);

  const upload = async (b: PaymentBatch, file: File) => {
    try {
      const r = await importResults.mutateAsync({ id: b.id, file });
      modal.success({ title: t('cw.pay.imported'), content: t('cw.pay.importSummary', { rows: r.rows, paid: r.paid, failed: r.failed, unchanged: r.unchanged }) });
    } catch (error) {
      modal.error({ title: t('cw.pay.importFailed'), width: 560, content: <ResultErrors error={error} /> });
    }
  };

  const columns: ProColumns<PaymentBatch>[] = [
    { title: t('cw.pay.batchNo'), dataIndex: 'batch_no', width: 120, render: (_, b) => <a onClick={() => setViewing(b)} data-testid="batch-no">{b.batch_no}</a> },
    {
      title: t('cw.pay.status'), dataIndex: 'status', width: 120,
      render: (_, b) => b.status === 'preparing' || b.status === 'failed'
        ? <PreparingTag status={b.status} statusLabel={b.status_label} jobId={b.job_id} error={b.error} onDone={follower.finish} testId="batch" />
        : <Tag color={BATCH_COLORS[b.status]} data-status={b.status}>{b.status_label}</Tag>,
    },
    { title: t('cw.pay.lines'), dataIndex: 'line_count', width: 64, align: 'right' },
    { title: t('cw.pay.total'), dataIndex: 'total_fen', width: 110, align: 'right', render: (_, b) => formatYuan(b.total_fen) },
    { title: t('cw.pay.paid'), dataIndex: 'paid_count', width: 64, align: 'right' },
    { title: t('cw.pay.failed'), dataIndex: 'failed_count', width: 64, align: 'right', render: (_, b) => b.failed_count ? <Typography.Text type="danger">{b.failed_count}</Typography.Text> : 0 },
    { title: t('cw.pay.pending'), dataIndex: 'pending_count', width: 72, align: 'right' },
    { title: t('cw.pay.createdAt'), dataIndex: 'created_at', valueType: 'dateTime', width: 150 },
    {
      title: t('cw.field.actions'), valueType: 'option', width: 270,
      render: (_, b) => NOT_READY.includes(b.status) ? [<a key="v" onClick={() => setViewing(b)}>{t('cw.action.detail')}</a>] : [
        <Access key="dl" can="condolence.manage">
          <Space size={8}>
            <ExportLink kind="bank" subjectId={b.id} format="xlsx" label={t('cw.pay.bankFile')} testId="bank-file" />
            <ExportLink kind="bank" subjectId={b.id} format="csv" label="CSV" testId="bank-file-csv" />
            <Upload accept=".xlsx,.xls,.csv" showUploadList={false} beforeUpload={(file) => { void upload(b, file); return false; }}>
              <a data-testid="import-results">{t('cw.pay.importResults')}</a>
            </Upload>
            {b.status === 'exported' ? (
              <Popconfirm title={t('cw.pay.cancelConfirm')} onConfirm={() => void cancel.mutateAsync({ id: b.id }).then(() => message.success(t('cw.pay.cancelled'))).catch((e: unknown) => message.error(explain(e)))}>
                <a>{t('cw.pay.cancel')}</a>
              </Popconfirm>
            ) : null}
          </Space>
        </Access>,
        <a key="v" onClick={() => setViewing(b)}>{t('cw.action.detail')}</a>,
      ],
    },
  ];

  return (
    <PageContainer title={t('cw.pay.title')} content={t('cw.pay.subtitle')} extra={<CampaignPicker />}>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Row gutter={16} align="middle">
          <Col span={4}><Statistic title={t('cw.pay.payable')} value={p?.payable ?? 0} suffix={t('cw.unit.households')} /></Col>
          <Col span={5}><Statistic title={t('cw.pay.payableAmount')} value={formatYuan(p?.payable_fen ?? 0)} /></Col>
          <Col span={11}>
            <Typography.Text type="secondary">{t('cw.pay.blocked')}</Typography.Text>
            <div data-testid="payable-blocked">
              {(p?.blocked ?? []).length ? p?.blocked.map((x) => <Tag key={x.reason} color="orange" style={{ marginTop: 4 }}>{x.label} {x.count}{t('cw.unit.households')}</Tag>)
                : <Typography.Text type="secondary"> -</Typography.Text>}
            </div>
          </Col>
          <Col span={4} style={{ textAlign: 'right' }}>
            <Access can="condolence.manage">
              <Button type="primary" disabled={!p?.payable} onClick={() => setCreating(true)} data-testid="batch-create">{t('cw.pay.create')}</Button>
            </Access>
          </Col>
        </Row>
      </Card>
      <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('cw.pay.rule')} />
      <ProTable<PaymentBatch> rowKey="id" actionRef={table} columns={columns} params={{ scopeId: campaignId, n: p?.payable }} request={batches.request} search={false}
        pagination={{ defaultPageSize: 20, showTotal: showTotal(t, false) }} scroll={{ x: 1100 }} options={{ reload: true }}
        headerTitle={t('cw.pay.batches')} data-testid="batch-table" />
      <ModalForm<{ remark?: string; payer_account?: string }>
        title={t('cw.pay.create')}
        open={creating}
        width={520}
        modalProps={{ destroyOnHidden: true, onCancel: () => setCreating(false) }}
        onFinish={async (v) => {
          try {
            const b = await create.mutateAsync({ campaignId: campaignId ?? 0, body: { remark: v.remark || null, payer_account: v.payer_account || null } });
            if (b.status === 'preparing') message.info(t('cw.pay.preparing', { no: b.batch_no }));
            if (b.status === 'preparing' && b.job_id) follower.follow(b.job_id);
            else message.success(t('cw.pay.created', { no: b.batch_no, n: b.line_count, total: formatYuan(b.total_fen) }));
            void table.current?.reload();
            setCreating(false);
            return true;
          } catch (error) {
            modal.error({ title: t('cw.pay.createFailed'), content: explain(error) });
            return false;
          }
        }}
      >
        <Typography.Paragraph>{t('cw.pay.createHint', { n: p?.payable ?? 0, total: formatYuan(p?.payable_fen ?? 0) })}</Typography.Paragraph>
        <ProFormText name="remark" label={t('cw.pay.remark')} placeholder={t('cw.pay.remarkHint')} fieldProps={{ maxLength: 200 }} />
        <ProFormText name="payer_account" label={t('cw.pay.payer')} fieldProps={{ maxLength: 100 }} />
      </ModalForm>
      <BatchDrawer batch={viewing} onClose={() => setViewing(null)} />
    </PageContainer>
  );
}

function ResultErrors({ error }: { error: unknown }) {
  const problems = ((error as { errors?: { json?: { file?: string[] } } }).errors?.json?.file ?? []);
  return (
    <div>
      <Typography.Paragraph>{explain(error)}</Typography.Paragraph>
      {Array.isArray(problems) && problems.length > 1 ? (
        <ul style={{ maxHeight: 240, overflow: 'auto', paddingInlineStart: 20 }}>{problems.map((x) => <li key={x}>{x}</li>)}</ul>
      ) : null}
    </div>
  );
}

function BatchDrawer({ batch, onClose }: { batch: PaymentBatch | null; onClose: () => void }) {
  const t = useT(workflowMessages);
  const payments = useProTableRequest<Payment>(scoped(listPayments));
  const columns: ProColumns<Payment>[] = [
    { title: t('cw.notice.seq'), dataIndex: 'seq', width: 56, search: false },
    { title: t('cw.field.name'), dataIndex: 'name', width: 80, search: false },
    { title: t('cw.field.bankCard'), dataIndex: 'bank_card_masked', width: 170, search: false },
    { title: t('cw.field.bankName'), dataIndex: 'bank_name', ellipsis: true, search: false },
    { title: t('cw.pay.amount'), dataIndex: 'amount_fen', width: 90, align: 'right', search: false, render: (_, r) => formatYuan(r.amount_fen) },
    {
      title: t('cw.pay.status'), dataIndex: 'status', width: 110, valueType: 'select',
      valueEnum: { exported: { text: t('cw.pay.st.exported') }, paid: { text: t('cw.pay.st.paid') }, failed: { text: t('cw.pay.st.failed') }, cancelled: { text: t('cw.pay.st.cancelled') } },
      render: (_, r) => <StatusTag kind="payment" value={r.status} label={r.status_label} />,
    },
    { title: t('cw.pay.reason'), dataIndex: 'failure_reason', ellipsis: true, search: false },
  ];
  return (
    <Drawer open={!!batch} onClose={onClose} width={900} title={batch ? `${t('cw.pay.batch')} ${batch.batch_no}` : ''} destroyOnHidden>
      {batch ? (
        <ProTable<Payment> rowKey="id" size="small" columns={columns} params={{ scopeId: batch.id }} request={payments.request} search={{ labelWidth: 'auto', span: 8 }}
          pagination={{ defaultPageSize: 20, showTotal: showTotal(t, false) }} options={false} data-testid="payment-table" />
      ) : null}
    </Drawer>
  );
}
