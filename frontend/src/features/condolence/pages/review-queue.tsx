// 审核名单: the review queue of the user's level (基层工会 / 镇街工会 / 县总工会). Per batch (整批通过、
// 退回、不予通过) or per line (with bulk selection), the line's history, corrections of returned lines by
// the nominating union, and the review log. Server-side paging throughout.
import { useMemo, useRef, useState } from 'react';
import { type ActionType, PageContainer, type ProColumns, ProTable } from '@ant-design/pro-components';
import { Alert, Button, Card, Col, Row, Space, Statistic, Tabs, Tag, Typography } from 'antd';
import { OrgTreeSelect } from '@/components/org-tree-select';
import { Access, useAccess } from '@/lib/access';
import { showTotal, useProTableRequest } from '@/lib/pro-table';
import { useT } from '@/locales';
import { listQueue, listReviewBatches, listReviews, useReviewOverview } from '../api/workflow';
import { ReviewButtons } from '../components/workflow-actions';
import { CampaignPicker } from '../components/workflow-campaign';
import { useCampaignParam } from '../components/use-workflow-campaign';
import { CorrectionModal } from '../components/workflow-correction';
import { formatYuan } from '../components/workflow-money';
import { StatusTag } from '../components/workflow-status-tag';
import { LineHistoryDrawer } from '../components/workflow-line-history';
import { scoped } from '../components/workflow-table';
import { workflowMessages } from '../workflow-locales';
import type { QueueQuery, Review, ReviewBatch, WorkflowLine } from '../workflow-types';

const VIEWS = ['awaiting', 'approved', 'returned', 'rejected', 'all'] as const;

export default function ReviewQueuePage() {
  const t = useT(workflowMessages);
  const access = useAccess();
  const { campaignId } = useCampaignParam();
  const overview = useReviewOverview(campaignId);
  const ov = overview.data;
  const canAct = !!ov?.can_review;
  const [tab, setTab] = useState('batches');
  const [batchFilter, setBatchFilter] = useState<number | undefined>();
  const [selected, setSelected] = useState<number[]>([]);
  const [history, setHistory] = useState<WorkflowLine | null>(null);
  const [correcting, setCorrecting] = useState<WorkflowLine | null>(null);
  const linesRef = useRef<ActionType>(undefined);
  const batchesRef = useRef<ActionType>(undefined);
  const reload = () => {
    setSelected([]);
    void linesRef.current?.reload();
    void batchesRef.current?.reload();
  };

  const lines = useProTableRequest<WorkflowLine, QueueQuery>(scoped(listQueue));
  const batches = useProTableRequest<ReviewBatch>(scoped(listReviewBatches));
  const reviews = useProTableRequest<Review>(scoped(listReviews));

  const lineColumns: ProColumns<WorkflowLine>[] = useMemo(() => [
    {
      title: t('cw.queue.view'), dataIndex: 'view', hideInTable: true, valueType: 'select', initialValue: 'awaiting',
      valueEnum: Object.fromEntries(VIEWS.map((v) => [v, { text: t(`cw.view.${v}`) }])), fieldProps: { allowClear: false },
    },
    { title: t('cw.field.name'), dataIndex: 'q', hideInTable: true, fieldProps: { placeholder: t('cw.queue.qHint') } },
    { title: t('cw.field.org'), dataIndex: 'org_id', hideInTable: true, renderFormItem: () => <OrgTreeSelect /> },
    {
      title: t('cw.field.check'), dataIndex: 'check_status', valueType: 'select', hideInTable: true,
      valueEnum: Object.fromEntries(['ok', 'invalid', 'duplicate', 'ineligible', 'over_quota', 'over_budget', 'pending']
        .map((k) => [k, { text: t(`cw.check.${k}` as 'cw.check.ok') }])),
    },
    {
      title: t('cw.field.name'), dataIndex: 'name', hideInSearch: true, width: 76, fixed: 'left',
      render: (_, row) => <a onClick={() => setHistory(row)} data-testid="line-name">{row.name}</a>,
    },
    { title: t('cw.field.idNumber'), dataIndex: 'id_number_masked', hideInSearch: true, width: 150 },
    { title: t('cw.field.org'), dataIndex: 'org_name', hideInSearch: true, ellipsis: true, width: 130 },
    { title: t('cw.field.category'), dataIndex: 'category_name', hideInSearch: true, width: 80 },
    { title: t('cw.field.cash'), dataIndex: 'cash_fen', hideInSearch: true, width: 80, align: 'right', render: (_, r) => formatYuan(r.cash_fen) },
    {
      title: t('cw.field.check'), dataIndex: 'check_status_col', hideInSearch: true, width: 120,
      render: (_, r) => (
        <Space size={2} direction="vertical">
          <StatusTag kind="check" value={r.check_status} label={r.check_status_label} />
          {r.check_reason ? <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis={{ tooltip: r.check_reason }}>{r.check_reason}</Typography.Text> : null}
        </Space>
      ),
    },
    {
      title: t('cw.field.review'), dataIndex: 'review_status', hideInSearch: true, width: 110,
      render: (_, r) => (
        <Space size={2} direction="vertical">
          <StatusTag kind="review" value={r.review_status} label={r.review_status_label} />
          {r.review_comment ? <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis={{ tooltip: r.review_comment }}>{r.review_comment}</Typography.Text> : null}
        </Space>
      ),
    },
    {
      title: t('cw.field.actions'), valueType: 'option', width: 150, fixed: 'right',
      render: (_, r) => r.review_status === 'returned'
        ? [access.can('condolence.nominate') ? <a key="fix" onClick={() => setCorrecting(r)} data-testid="line-correct">{t('cw.action.correct')}</a> : null]
        : [<ReviewButtons key="r" target={{ kind: 'lines', campaignId: campaignId ?? 0, lineIds: [r.id] }} disabled={!canAct} onDone={reload} testId="line" />],
    },
  ], [t, access, campaignId, canAct]);

  const batchColumns: ProColumns<ReviewBatch>[] = [
    { title: t('cw.field.org'), dataIndex: 'org_name', ellipsis: true, width: 170 },
    { title: t('cw.field.file'), dataIndex: 'filename', ellipsis: true, width: 120, render: (_, b) => b.filename ?? t('cw.batch.manual') },
    { title: t('cw.batch.awaiting'), dataIndex: 'awaiting', width: 64, align: 'right', render: (_, b) => <Typography.Text strong={b.awaiting > 0}>{b.awaiting}</Typography.Text> },
    { title: t('cw.batch.awaitingOk'), dataIndex: 'awaiting_ok', width: 72, align: 'right' },
    { title: t('cw.batch.approved'), dataIndex: 'approved', width: 72, align: 'right' },
    { title: t('cw.batch.returned'), dataIndex: 'returned', width: 52, align: 'right' },
    { title: t('cw.batch.rejected'), dataIndex: 'rejected', width: 60, align: 'right' },
    { title: t('cw.batch.total'), dataIndex: 'total', width: 52, align: 'right' },
    {
      title: t('cw.field.actions'), valueType: 'option', width: 240, fixed: 'right',
      render: (_, b) => [
        <ReviewButtons key="r" target={{ kind: 'batch', batchId: b.batch_id }} disabled={!canAct || b.awaiting === 0} onDone={reload} testId="batch" />,
        <a key="lines" onClick={() => { setBatchFilter(b.batch_id); setTab('lines'); void linesRef.current?.reload(); }}>{t('cw.batch.lines')}</a>,
      ],
    },
  ];

  const reviewColumns: ProColumns<Review>[] = [
    { title: t('cw.history.when'), dataIndex: 'created_at', valueType: 'dateTime', width: 150 },
    { title: t('cw.history.level'), dataIndex: 'level_label', width: 90 },
    { title: t('cw.history.action'), dataIndex: 'action_label', width: 110 },
    { title: t('cw.history.scope'), dataIndex: 'scope', width: 90, render: (_, r) => `${t(`cw.scope.${r.scope}` as 'cw.scope.batch')} ${r.line_count}${t('cw.unit.lines')}` },
    { title: t('cw.field.comment'), dataIndex: 'comment', ellipsis: true },
    { title: t('cw.history.actor'), dataIndex: 'actor_name', width: 120 },
  ];

  return (
    <PageContainer title={t('cw.review.title')} content={t('cw.review.subtitle')} extra={<CampaignPicker />}>
      {ov ? (
        <Card size="small" style={{ marginBottom: 12 }}>
          <Row gutter={16} align="middle">
            <Col span={5}><Statistic title={t('cw.review.level')} value={ov.level_label} valueStyle={{ fontSize: 20 }} /></Col>
            <Col span={5}><Statistic title={t('cw.review.awaiting')} value={ov.awaiting} valueStyle={{ color: ov.awaiting ? '#d4380d' : undefined }} /></Col>
            <Col span={5}><Statistic title={t('cw.review.awaitingOk')} value={ov.awaiting_ok} /></Col>
            <Col span={9}>
              <Space size={4} wrap>
                {ov.by_status.filter((s) => s.count > 0).map((s) => (
                  <Tag key={s.status}>{s.label} {s.count}</Tag>
                ))}
              </Space>
            </Col>
          </Row>
        </Card>
      ) : null}
      {ov && !ov.can_review ? (
        <Alert type="info" showIcon style={{ marginBottom: 12 }} message={ov.frozen ? t('cw.review.frozen') : t('cw.review.closed')} />
      ) : null}
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          {
            key: 'batches',
            label: t('cw.review.byBatch'),
            children: (
              <ProTable<ReviewBatch>
                rowKey="batch_id"
                actionRef={batchesRef}
                columns={batchColumns}
                params={{ scopeId: campaignId }}
                request={batches.request}
                search={false}
                pagination={{ defaultPageSize: 20, showTotal: showTotal(t, false) }}
                scroll={{ x: 980 }}
                options={{ reload: true, density: false, setting: false }}
                data-testid="review-batches"
              />
            ),
          },
          {
            key: 'lines',
            label: t('cw.review.byLine'),
            children: (
              <ProTable<WorkflowLine, QueueQuery>
                rowKey="id"
                actionRef={linesRef}
                columns={lineColumns}
                params={{ scopeId: campaignId, batch_id: batchFilter }}
                request={lines.request}
                search={{ labelWidth: 'auto', span: 6, defaultCollapsed: false }}
                pagination={{ defaultPageSize: 20, showSizeChanger: true, pageSizeOptions: [20, 50, 100], showTotal: showTotal(t, lines.estimated) }}
                scroll={{ x: 960 }}
                rowSelection={canAct ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as number[]) } : undefined}
                tableAlertRender={({ selectedRowKeys }) => t('cw.queue.selected', { n: selectedRowKeys.length })}
                tableAlertOptionRender={() => (
                  <ReviewButtons target={{ kind: 'lines', campaignId: campaignId ?? 0, lineIds: selected }} onDone={reload} testId="bulk" />
                )}
                toolBarRender={() => [
                  batchFilter ? (
                    <Tag key="batch" closable onClose={() => { setBatchFilter(undefined); void linesRef.current?.reload(); }}>
                      {t('cw.queue.batchFilter', { id: batchFilter })}
                    </Tag>
                  ) : null,
                ]}
                options={{ reload: true, density: true, setting: true }}
                data-testid="review-lines"
              />
            ),
          },
          {
            key: 'log',
            label: t('cw.review.log'),
            children: (
              <ProTable<Review>
                rowKey="id"
                columns={reviewColumns}
                params={{ scopeId: campaignId }}
                request={reviews.request}
                search={false}
                pagination={{ defaultPageSize: 20, showTotal: showTotal(t, false) }}
                options={{ reload: true, density: false, setting: false }}
              />
            ),
          },
        ]}
      />
      <Access can="condolence.manage">
        <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>{t('cw.review.countyHint')}</Typography.Paragraph>
      </Access>
      <LineHistoryDrawer line={history} onClose={() => setHistory(null)} />
      <CorrectionModal line={correcting} onClose={() => { setCorrecting(null); reload(); }} />
      {!campaignId && !overview.isLoading ? <Button disabled>{t('cw.campaign.none')}</Button> : null}
    </PageContainer>
  );
}
