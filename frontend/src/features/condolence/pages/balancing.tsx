// 汇总平衡: the county's consolidation — per township and per category what was nominated, passed the
// checks, waits for the county and was approved, against quotas and budget (tables with charts beside
// them); the lines the roster checks found over a quota or a budget; its decisions (核减, 调增名额,
// 调增预算, 同意超额/超支) and the freeze of the roster (县总审定).
import { useMemo, useState } from 'react';
import { ModalForm, PageContainer, ProFormDigit, ProFormTextArea } from '@ant-design/pro-components';
import { Alert, App, Button, Card, Col, Empty, Popconfirm, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { EChart, type EChartOption } from '@/components/echart';
import { Access } from '@/lib/access';
import { useT } from '@/locales';
import { useBalancing, useBalancingDecisions, useDecide, useFreeze } from '../api/workflow';
import { explain } from '../components/workflow-errors';
import { CampaignPicker } from '../components/workflow-campaign';
import { useCampaignParam } from '../components/use-workflow-campaign';
import { formatYuan } from '../components/workflow-money';
import { workflowMessages } from '../workflow-locales';
import type { BalancingDecision, BalancingDecisionCreate, BalancingQuota } from '../workflow-types';

type Row = {
  key: string; label: string; nominated: number; ok: number; awaiting: number; approved: number; approved_cash: number;
  approved_goods: number; over_quota_lines: number; over_budget_lines: number; over_budget_line_fen: number;
  category_code?: string | null; budget_cash_fen?: number | null;
};

type Asking = {
  kind: BalancingDecisionCreate['kind']; quota?: BalancingQuota; budgetKind?: 'cash' | 'goods'; categoryCode?: string | null;
  title: string; currentBudgetFen?: number | null;
};

export default function BalancingPage() {
  const t = useT(workflowMessages);
  const { message, modal } = App.useApp();
  const { campaignId } = useCampaignParam();
  const balancing = useBalancing(campaignId);
  const decisions = useBalancingDecisions(campaignId);
  const decide = useDecide(campaignId ?? 0);
  const freeze = useFreeze(campaignId ?? 0);
  const [asking, setAsking] = useState<Asking | null>(null);
  const b = balancing.data;

  const measureColumns: ColumnsType<Row> = [
    { title: t('cw.bal.nominated'), dataIndex: 'nominated', align: 'right', width: 52 },
    { title: t('cw.bal.okShort'), dataIndex: 'ok', align: 'right', width: 52 },
    { title: t('cw.bal.awaitingShort'), dataIndex: 'awaiting', align: 'right', width: 56 },
    { title: t('cw.bal.approved'), dataIndex: 'approved', align: 'right', width: 56 },
    { title: t('cw.bal.cash'), dataIndex: 'approved_cash', align: 'right', width: 100, render: (v: number) => formatYuan(v) },
    { title: t('cw.bal.goods'), dataIndex: 'approved_goods', align: 'right', width: 100, render: (v: number) => formatYuan(v) },
  ];
  // Lines the roster job judged over a quota / a budget: the overruns the county decides on.
  const townColumns: ColumnsType<Row> = [
    ...measureColumns,
    { title: t('cw.bal.judgedOverQuota'), dataIndex: 'over_quota_lines', align: 'right', width: 72,
      render: (v: number) => v ? <Tag color="red" data-testid="judged-over-quota">{v}</Tag> : 0 },
  ];
  const categoryColumns: ColumnsType<Row> = [
    ...measureColumns,
    {
      title: t('cw.bal.judgedOverBudget'), dataIndex: 'over_budget_lines', width: 150,
      render: (v: number, r) => (
        <Space size={4}>
          {v ? <Tag color="red" data-testid="judged-over-budget">{v}</Tag> : 0}
          {r.budget_cash_fen != null ? (
            <Access can="condolence.manage">
              <a onClick={() => setAsking({ kind: 'raise_budget', categoryCode: r.category_code, budgetKind: 'cash', currentBudgetFen: r.budget_cash_fen, title: `${t('cw.decision.raise_budget')}（${r.label}）` })}
                data-testid="raise-category-budget">{t('cw.decision.raise_budget')}</a>
            </Access>
          ) : null}
        </Space>
      ),
    },
  ];
  const towns: Row[] = (b?.by_township ?? []).map((r) => ({ ...r, key: String(r.township_org_id ?? 'none'), label: r.township_name }));
  const cats: Row[] = (b?.by_category ?? []).map((r) => ({ ...r, key: r.category_code ?? 'none', label: r.category_name }));

  const chart = (rows: Row[]): EChartOption => ({
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 32, bottom: 64 },
    xAxis: { type: 'category', data: rows.map((r) => r.label), axisLabel: { rotate: rows.length > 5 ? 30 : 0, interval: 0 } } as never,
    yAxis: { type: 'value' } as never,
    series: [
      { name: t('cw.bal.nominated'), type: 'bar', data: rows.map((r) => r.nominated) },
      { name: t('cw.bal.awaiting'), type: 'bar', data: rows.map((r) => r.awaiting) },
      { name: t('cw.bal.approved'), type: 'bar', data: rows.map((r) => r.approved) },
    ],
  });
  const townChart = useMemo(() => chart(towns), [b]); // eslint-disable-line react-hooks/exhaustive-deps
  const catChart = useMemo(() => chart(cats), [b]); // eslint-disable-line react-hooks/exhaustive-deps

  const quotaColumns: ColumnsType<BalancingQuota> = [
    { title: t('cw.bal.quotaOrg'), dataIndex: 'org_name', ellipsis: true },
    { title: t('cw.field.category'), dataIndex: 'category_name', width: 100 },
    { title: t('cw.bal.quota'), dataIndex: 'max_households', align: 'right', width: 64 },
    { title: t('cw.bal.approved'), dataIndex: 'approved', align: 'right', width: 64 },
    { title: t('cw.bal.awaiting'), dataIndex: 'awaiting', align: 'right', width: 72 },
    {
      title: t('cw.bal.over'), dataIndex: 'over', width: 120,
      render: (_, q) => q.over ? (
        <Tag color={q.over_accepted ? 'gold' : 'red'} data-testid="quota-over">{t('cw.bal.overBy', { n: q.over })}{q.over_accepted ? ` · ${t('cw.bal.accepted')}` : ''}</Tag>
      ) : q.projected_over ? <Tag color="orange">{t('cw.bal.projected', { n: q.projected_over })}</Tag>
        : q.over_quota_lines ? <Tag color="red" data-testid="quota-judged-over">{t('cw.bal.judgedOverQuotaTag', { n: q.over_quota_lines })}</Tag>
        : <Tag color="green">{t('cw.bal.within')}</Tag>,
    },
    {
      title: t('cw.field.actions'), width: 170,
      render: (_, q) => (
        <Access can="condolence.manage">
          <Space size={8}>
            <a onClick={() => setAsking({ kind: 'raise_quota', quota: q, title: t('cw.decision.raise_quota') })}>{t('cw.decision.raise_quota')}</a>
            {q.over && !q.over_accepted ? (
              <a onClick={() => setAsking({ kind: 'accept_over_quota', quota: q, title: t('cw.decision.accept_over_quota') })} data-testid="accept-over-quota">
                {t('cw.decision.accept_over_quota')}
              </a>
            ) : null}
          </Space>
        </Access>
      ),
    },
  ];

  const decisionColumns: ColumnsType<BalancingDecision> = [
    { title: t('cw.history.when'), dataIndex: 'created_at', width: 150, render: (v: string) => v.slice(0, 16).replace('T', ' ') },
    { title: t('cw.decision.kind'), dataIndex: 'kind_label', width: 110 },
    { title: t('cw.decision.value'), width: 150, render: (_, d) => d.kind === 'reject_lines' ? `${d.line_count}${t('cw.unit.households')}` : d.kind === 'raise_quota' ? `${d.old_value} → ${d.new_value}` : d.kind === 'raise_budget' ? `${formatYuan(d.old_value)} → ${formatYuan(d.new_value)}` : d.budget_kind ? formatYuan(d.accepted_value) : `${d.accepted_value ?? ''}` },
    { title: t('cw.field.comment'), dataIndex: 'comment', ellipsis: true },
    { title: t('cw.history.actor'), dataIndex: 'actor_name', width: 110 },
  ];

  const doFreeze = async () => {
    try {
      const r = await freeze.mutateAsync(undefined);
      modal.success({ title: t('cw.freeze.done'), content: t('cw.freeze.summary', { approved: r.approved, excluded: r.excluded, cash: formatYuan(r.approved_cash_fen), goods: formatYuan(r.approved_goods_fen) }) });
    } catch (error) {
      modal.error({ title: t('cw.freeze.refused'), content: explain(error) });
    }
  };

  return (
    <PageContainer title={t('cw.bal.title')} content={t('cw.bal.subtitle')} extra={<CampaignPicker />}>
      {!b ? <Card loading={balancing.isLoading}><Empty /></Card> : (
        <>
          <Row gutter={12} style={{ marginBottom: 12 }}>
            <Col span={4}><Card size="small"><Statistic title={t('cw.bal.nominated')} value={b.totals.nominated} /></Card></Col>
            <Col span={4}><Card size="small"><Statistic title={t('cw.bal.ok')} value={b.totals.ok} /></Card></Col>
            <Col span={4}><Card size="small"><Statistic title={t('cw.bal.awaiting')} value={b.totals.awaiting} /></Card></Col>
            <Col span={4}><Card size="small"><Statistic title={t('cw.bal.approved')} value={b.totals.approved} /></Card></Col>
            {b.budget.map((item) => (
              <Col span={4} key={item.kind}>
                <Card size="small">
                  <Statistic title={`${item.label} ${t('cw.bal.vsBudget')}`} value={formatYuan(item.approved_fen)} suffix={<span style={{ fontSize: 12 }}>/ {item.budget_fen ? formatYuan(item.budget_fen) : t('cw.bal.noBudget')}</span>}
                    valueStyle={{ fontSize: 18, color: item.over_fen && !item.accepted ? '#cf1322' : undefined }} />
                  <Access can="condolence.manage">
                    <a onClick={() => setAsking({ kind: 'raise_budget', budgetKind: item.kind as 'cash' | 'goods', currentBudgetFen: item.budget_fen, title: `${t('cw.decision.raise_budget')}（${item.label}）` })}
                      style={{ fontSize: 12, marginInlineEnd: 8 }} data-testid={`raise-budget-${item.kind}`}>{t('cw.decision.raise_budget')}</a>
                  </Access>
                  {item.over_fen ? (
                    <Space size={4}>
                      <Tag color={item.accepted ? 'gold' : 'red'}>{t('cw.bal.overYuan', { v: formatYuan(item.over_fen) })}</Tag>
                      {!item.accepted ? (
                        <Access can="condolence.manage">
                          <a onClick={() => setAsking({ kind: 'accept_over_budget', budgetKind: item.kind as 'cash' | 'goods', title: t('cw.decision.accept_over_budget') })}>
                            {t('cw.decision.accept')}
                          </a>
                        </Access>
                      ) : null}
                    </Space>
                  ) : null}
                </Card>
              </Col>
            ))}
          </Row>
          {b.totals.over_quota_lines || b.totals.over_budget_lines ? (
            <Alert type="info" showIcon style={{ marginBottom: 12 }} data-testid="judged-over"
              message={[
                b.totals.over_quota_lines ? t('cw.bal.judgedOverQuotaTag', { n: b.totals.over_quota_lines }) : null,
                b.totals.over_budget_lines ? t('cw.bal.judgedOverBudgetTag', { n: b.totals.over_budget_lines, v: formatYuan(b.totals.over_budget_line_fen) }) : null,
              ].filter(Boolean).join('；')} />
          ) : null}
          {b.blockers.length ? (
            <Alert type="warning" showIcon style={{ marginBottom: 12 }} message={t('cw.freeze.blocked')}
              description={<ul style={{ margin: 0, paddingInlineStart: 20 }}>{b.blockers.map((x) => <li key={x}>{x}</li>)}</ul>} data-testid="freeze-blockers" />
          ) : null}
          <Access can="condolence.manage">
            <Card size="small" style={{ marginBottom: 12 }}>
              <Space>
                <Popconfirm title={t('cw.freeze.confirm')} onConfirm={() => void doFreeze()} disabled={!b.can_freeze}>
                  <Button type="primary" disabled={!b.can_freeze} loading={freeze.isPending} data-testid="freeze-button">{t('cw.freeze.button')}</Button>
                </Popconfirm>
                <Typography.Text type="secondary">{b.can_freeze ? t('cw.freeze.ready') : b.campaign_status === 'frozen' || ['noticing', 'paying', 'closed'].includes(b.campaign_status) ? t('cw.review.frozen') : t('cw.freeze.notReady')}</Typography.Text>
              </Space>
            </Card>
          </Access>
          <Row gutter={12}>
            <Col span={14}>
              <Card size="small" title={t('cw.bal.byTownship')} style={{ marginBottom: 12 }}>
                <Table<Row> rowKey="key" size="small" pagination={false} dataSource={towns} scroll={{ y: 300 }}
                  columns={[{ title: t('cw.bal.township'), dataIndex: 'label', ellipsis: true }, ...townColumns]} data-testid="balancing-townships"
                  summary={() => (
                    <Table.Summary.Row>
                      <Table.Summary.Cell index={0}>{t('cw.total')}</Table.Summary.Cell>
                      {(['nominated', 'ok', 'awaiting', 'approved'] as const).map((k, i) => <Table.Summary.Cell key={k} index={i + 1} align="right">{b.totals[k]}</Table.Summary.Cell>)}
                      <Table.Summary.Cell index={5} align="right">{formatYuan(b.totals.approved_cash)}</Table.Summary.Cell>
                      <Table.Summary.Cell index={6} align="right">{formatYuan(b.totals.approved_goods)}</Table.Summary.Cell>
                      <Table.Summary.Cell index={7} align="right">{b.totals.over_quota_lines}</Table.Summary.Cell>
                    </Table.Summary.Row>
                  )} />
              </Card>
            </Col>
            <Col span={10}>
              <Card size="small" title={t('cw.bal.chartTownship')} style={{ marginBottom: 12 }}>
                <EChart option={townChart} height={300} ariaLabel={t('cw.bal.chartTownship')} data-testid="chart-township" />
              </Card>
            </Col>
            <Col span={14}>
              <Card size="small" title={t('cw.bal.byCategory')} style={{ marginBottom: 12 }}>
                <Table<Row> rowKey="key" size="small" pagination={false} dataSource={cats}
                  columns={[{ title: t('cw.field.category'), dataIndex: 'label' }, ...categoryColumns]} />
              </Card>
            </Col>
            <Col span={10}>
              <Card size="small" title={t('cw.bal.chartCategory')} style={{ marginBottom: 12 }}>
                <EChart option={catChart} height={220} ariaLabel={t('cw.bal.chartCategory')} />
              </Card>
            </Col>
          </Row>
          <Card size="small" title={t('cw.bal.quotas')} style={{ marginBottom: 12 }}>
            <Table<BalancingQuota> rowKey="quota_id" size="small" pagination={false} dataSource={b.quotas} columns={quotaColumns}
              locale={{ emptyText: t('cw.bal.noQuotas') }} data-testid="balancing-quotas" />
          </Card>
          <Card size="small" title={t('cw.bal.decisions')}>
            <Table<BalancingDecision> rowKey="id" size="small" pagination={false} dataSource={decisions.data?.items ?? []} columns={decisionColumns} />
            <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>{t('cw.bal.rejectHint')}</Typography.Paragraph>
          </Card>
        </>
      )}
      <ModalForm<{ comment: string; new_max_households?: number; new_budget_yuan?: number }>
        title={asking?.title}
        open={!!asking}
        width={480}
        modalProps={{ destroyOnHidden: true, onCancel: () => setAsking(null) }}
        onFinish={async (values) => {
          if (!asking) return false;
          const body: BalancingDecisionCreate = { kind: asking.kind, comment: values.comment };
          if (asking.quota) body.quota_id = asking.quota.quota_id;
          if (asking.kind === 'raise_quota') body.new_max_households = values.new_max_households;
          if (asking.kind === 'raise_budget') body.new_budget_fen = Math.round((values.new_budget_yuan ?? 0) * 100);
          if (asking.budgetKind) body.budget_kind = asking.budgetKind;
          if (asking.categoryCode) body.category_code = asking.categoryCode;
          try {
            await decide.mutateAsync(body);
            message.success(t('cw.decision.done'));
            setAsking(null);
            return true;
          } catch (error) {
            message.error(explain(error));
            return false;
          }
        }}
      >
        {asking?.quota ? (
          <Typography.Paragraph>{asking.quota.org_name}（{asking.quota.category_name}）：{t('cw.bal.quota')} {asking.quota.max_households}，{t('cw.bal.approved')} {asking.quota.approved}</Typography.Paragraph>
        ) : null}
        {asking?.kind === 'raise_quota' ? (
          <ProFormDigit name="new_max_households" label={t('cw.decision.newQuota')} min={1} fieldProps={{ precision: 0 }} rules={[{ required: true }]} />
        ) : null}
        {asking?.kind === 'raise_budget' ? (
          <>
            <Typography.Paragraph>{t('cw.bal.vsBudget')}：{asking.currentBudgetFen ? formatYuan(asking.currentBudgetFen) : t('cw.bal.noBudget')}</Typography.Paragraph>
            <ProFormDigit name="new_budget_yuan" label={t('cw.decision.newBudget')} min={0.01} fieldProps={{ precision: 2 }} rules={[{ required: true }]} />
          </>
        ) : null}
        <ProFormTextArea name="comment" label={t('cw.decision.reason')} rules={[{ required: true, whitespace: true, message: t('cw.comment.required') }]}
          fieldProps={{ maxLength: 500, showCount: true }} />
      </ModalForm>
    </PageContainer>
  );
}
