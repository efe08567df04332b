// One nomination batch: the dry-run (or submitted) judgement — counts, reasons, the first problems —
// with submit / re-check; a manual batch also takes lines one by one here.
import { PlusOutlined } from '@ant-design/icons';
import { ModalForm, PageContainer, ProCard, ProFormDigit, ProFormSelect, ProFormText, StatisticCard } from '@ant-design/pro-components';
import { Alert, App, Button, Form, Popconfirm, Result, Skeleton, Space, Spin, Table, Tag, Typography } from 'antd';
import { Link, useNavigate, useParams } from 'react-router';
import { paths } from '@/config/paths';
import { Access, useAccess } from '@/lib/access';
import { reportFormError } from '@/lib/form-errors';
import { useT } from '@/locales';
import { useAddLine, useBatch, useBatchAction, useCampaign } from '../api/roster';
import { useRosterCodes } from '../components/codes';
import { BATCH_STATUS_COLOR, CHECK_STATUS_COLOR, toFen } from '../components/format';
import { rosterMessages } from '../locales';
import type { LineCreate } from '../types';

function AddLineButton({ batchId, campaignId }: { batchId: number; campaignId: number }) {
  const t = useT(rosterMessages);
  const { message } = App.useApp();
  const add = useAddLine();
  const campaign = useCampaign(campaignId);
  const [form] = Form.useForm();
  return (
    <ModalForm<LineCreate & { cash?: number; goods?: number }>
      form={form}
      title={t('roster.batch.addLine')}
      trigger={<Button type="primary" icon={<PlusOutlined />} data-testid="roster-add-line">{t('roster.batch.addLine')}</Button>}
      modalProps={{ destroyOnHidden: true }}
      onFinish={async ({ cash, goods, ...values }) => {
        try {
          await add.mutateAsync({ batchId, data: { ...values, cash_fen: toFen(cash), goods_fen: toFen(goods) } as LineCreate });
          void message.success(t('roster.batch.lineAdded'));
          return true;
        } catch (error) {
          reportFormError(form, error, (text) => void message.error(text));
          return false;
        }
      }}
    >
      <Space wrap>
        <ProFormText name="name" label={t('roster.lines.name')} width="sm" rules={[{ required: true }]} />
        <ProFormText name="id_number" label={t('roster.lines.idNumber')} width="md" rules={[{ required: true }]} />
        <ProFormSelect
          name="category_code"
          label={t('roster.lines.category')}
          width="sm"
          options={(campaign.data?.data.categories ?? []).map((c) => ({ value: c.code, label: c.name }))}
        />
        <ProFormText name="bank_card" label={t('roster.lines.card')} width="md" />
        <ProFormText name="bank_name" label={t('roster.lines.bankName')} width="sm" />
        <ProFormText name="mobile" label={t('roster.lines.mobile')} width="sm" />
        <ProFormDigit name="cash" label={t('roster.lines.cash')} width="xs" min={0} fieldProps={{ precision: 2 }} />
        <ProFormDigit name="goods" label={t('roster.lines.goods')} width="xs" min={0} fieldProps={{ precision: 2 }} />
        <ProFormText name="work_unit" label={t('roster.lines.workUnit')} width="md" />
        <ProFormText name="reason" label={t('roster.lines.reason')} width="md" />
      </Space>
    </ModalForm>
  );
}

export default function BatchDetailPage() {
  const t = useT(rosterMessages);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const id = Number(useParams().id);
  const codes = useRosterCodes();
  const access = useAccess();
  const { data, isLoading, error } = useBatch(id);
  const action = useBatchAction();
  if (isLoading) return <Skeleton active />;
  if (error || !data) return <Result status="404" title={t('roster.batch.missing')} />;
  const b = data.data;
  const busy = b.status === 'uploaded' || b.status === 'processing';
  const byStatus = (b.by_status ?? {}) as Record<string, number>;
  const byCode = (b.by_code ?? {}) as Record<string, number>;
  const canNominate = access.can('condolence.nominate');
  const linesUrl = `${paths.condolenceRoster}?campaign=${b.campaign_id}&batch_id=${b.id}`;

  return (
    <PageContainer
      title={t('roster.batch.title', { id: b.id })}
      subTitle={`${b.org_name ?? ''} ${b.filename ?? ''}`}
      onBack={() => navigate(`${paths.condolenceNominations}?campaign=${b.campaign_id}`)}
      tags={
        <Space size={4}>
          <Tag color={BATCH_STATUS_COLOR[b.status] ?? 'default'} data-testid="batch-status">{b.status_label}</Tag>
          {b.status === 'processed' ? <Tag>{t('roster.batches.draft')}</Tag> : null}
        </Space>
      }
      extra={[
        <Link key="lines" to={linesUrl}>
          <Button>{t('roster.batch.allLines')}</Button>
        </Link>,
        canNominate && b.status === 'processed' && b.lines_total > 0 ? (
          <Popconfirm
            key="submit"
            title={t('roster.batches.submitConfirm')}
            onConfirm={async () => {
              await action.mutateAsync({ id: b.id, action: 'submit' });
              void message.success(t('roster.batches.submitted'));
            }}
          >
            <Button type="primary" data-testid="batch-submit">{t('roster.batches.submit')}</Button>
          </Popconfirm>
        ) : null,
        canNominate && b.source === 'upload' && (b.status === 'failed' || b.status === 'processed') ? (
          <Button key="again" onClick={() => void action.mutateAsync({ id: b.id, action: 'reprocess' })}>
            {t('roster.batches.reprocess')}
          </Button>
        ) : null,
        b.source === 'manual' && b.status === 'processed' ? (
          <Access key="add" can="condolence.nominate">
            <AddLineButton batchId={b.id} campaignId={b.campaign_id} />
          </Access>
        ) : null,
      ]}
    >
      {busy ? (
        <ProCard bordered>
          <Spin tip={t('roster.batch.processing')}>
            <div style={{ height: 120 }} />
          </Spin>
        </ProCard>
      ) : b.status === 'failed' ? (
        <Alert type="error" showIcon message={t('roster.batch.failed')} description={b.error_message} data-testid="batch-error" />
      ) : (
        <>
          {b.status === 'processed' ? <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t('roster.batch.dryRunNote')} /> : null}
          {b.notice ? <Alert type="warning" showIcon style={{ marginBottom: 16 }} message={b.notice} /> : null}
          <StatisticCard.Group direction="row" style={{ marginBottom: 16 }}>
            <StatisticCard statistic={{ title: t('roster.batches.total'), value: b.lines_total }} />
            <StatisticCard statistic={{ title: t('roster.batches.ok'), value: b.lines_ok, status: 'success' }} />
            <StatisticCard statistic={{ title: t('roster.batches.rejected'), value: b.lines_rejected, status: 'error' }} />
            <StatisticCard statistic={{ title: t('roster.batches.skipped'), value: b.rows_skipped, status: 'default' }} />
          </StatisticCard.Group>
          {b.rows_skipped ? (
            <Typography.Paragraph type="secondary">{t('roster.batch.skippedRows', { n: b.rows_skipped })}</Typography.Paragraph>
          ) : null}
          <ProCard title={t('roster.batch.result')} bordered style={{ marginBottom: 16 }}>
            <Space wrap style={{ marginBottom: 12 }}>
              {Object.entries(byStatus).map(([status, n]) => (
                <Tag key={status} color={CHECK_STATUS_COLOR[status] ?? 'default'}>
                  {codes.label('check_statuses', status)} {n}
                </Tag>
              ))}
            </Space>
            {Object.keys(byCode).length ? (
              <Table
                size="small"
                rowKey="code"
                pagination={false}
                title={() => t('roster.batch.byReason')}
                dataSource={Object.entries(byCode).map(([code, n]) => ({ code, n })).sort((x, y) => y.n - x.n)}
                columns={[
                  {
                    title: t('roster.lines.checkCode'),
                    dataIndex: 'code',
                    render: (code: string) => <Link to={`${linesUrl}&check_code=${code}`}>{codes.label('check_codes', code)}</Link>,
                  },
                  { title: t('roster.summary.count'), dataIndex: 'n', align: 'right' },
                ]}
              />
            ) : null}
          </ProCard>
          {b.problems && b.problems.length ? (
            <ProCard title={t('roster.batch.problems', { n: b.problems.length })} bordered>
              <Table
                size="small"
                rowKey="line_id"
                data-testid="batch-problems"
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                dataSource={b.problems}
                columns={[
                  { title: t('roster.batch.row'), dataIndex: 'row_no', width: 80 },
                  { title: t('roster.lines.name'), dataIndex: 'name', width: 100 },
                  {
                    title: t('roster.lines.checkStatus'),
                    dataIndex: 'check_status',
                    width: 110,
                    render: (v: string) => <Tag color={CHECK_STATUS_COLOR[v] ?? 'default'}>{codes.label('check_statuses', v)}</Tag>,
                  },
                  { title: t('roster.lines.checkReason'), dataIndex: 'check_reason' },
                ]}
              />
            </ProCard>
          ) : null}
        </>
      )}
    </PageContainer>
  );
}
