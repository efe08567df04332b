// 统计汇总: the campaign's households and money by category and by township beside the same festival
// last year, the year's festivals, and the report the county sends upward (xlsx). Every chart has its
// numbers in the table beside it.
import { useMemo, useState } from 'react';
import { PageContainer } from '@ant-design/pro-components';
import { Button, Card, Col, DatePicker, Empty, Row, Space, Statistic, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import { EChart, type EChartOption } from '@/components/echart';
import { useT } from '@/locales';
import { useCampaignSummary, useFestivalSummary } from '../api/workflow';
import { ExportLink } from '../components/export-link';
import { CampaignPicker } from '../components/workflow-campaign';
import { useCampaignParam } from '../components/use-workflow-campaign';
import { formatYuan } from '../components/workflow-money';
import { workflowMessages } from '../workflow-locales';
import type { FestivalSummary, SummaryRow } from '../workflow-types';

function pct(v: string | null | undefined): string {
  if (v === null || v === undefined) return '-';
  return `${Number(v) > 0 ? '+' : ''}${v}%`;
}

export default function SummaryDashboardPage() {
  const t = useT(workflowMessages);
  const { campaignId, campaign } = useCampaignParam();
  const summary = useCampaignSummary(campaignId);
  const [year, setYear] = useState<number>(campaign?.year ?? dayjs().year());
  const festivals = useFestivalSummary(year);
  const s = summary.data;

  const columns: ColumnsType<SummaryRow> = [
    { title: t('cw.sum.item'), dataIndex: 'label', ellipsis: true, width: 120, fixed: 'left' },
    { title: t('cw.sum.householdsShort'), dataIndex: 'households', align: 'right', width: 56 },
    { title: t('cw.bal.cash'), dataIndex: 'cash_fen', align: 'right', width: 100, render: (v: number) => formatYuan(v) },
    { title: t('cw.bal.goods'), dataIndex: 'goods_fen', align: 'right', width: 100, render: (v: number) => formatYuan(v) },
    { title: t('cw.sum.paid'), dataIndex: 'paid_fen', align: 'right', width: 100, render: (v: number) => formatYuan(v) },
    { title: t('cw.sum.visited'), dataIndex: 'visited', align: 'right', width: 60 },
    { title: t('cw.sum.lastYear'), dataIndex: 'last_year_households', align: 'right', width: 70, render: (v: number | null) => v ?? '-' },
    { title: t('cw.sum.change'), dataIndex: 'households_change_pct', align: 'right', width: 76, render: (v: string | null) => pct(v) },
  ];

  const townChart = useMemo<EChartOption>(() => ({
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 40, right: 12, top: 32, bottom: 60 },
    xAxis: { type: 'category', data: (s?.by_township ?? []).map((r) => r.label), axisLabel: { rotate: 30, interval: 0 } } as never,
    yAxis: { type: 'value', name: t('cw.unit.households') } as never,
    series: [
      { name: t('cw.sum.thisYear'), type: 'bar', data: (s?.by_township ?? []).map((r) => r.households) },
      { name: t('cw.sum.lastYear'), type: 'bar', data: (s?.by_township ?? []).map((r) => r.last_year_households ?? 0) },
    ],
  }), [s, t]);
  const catChart = useMemo<EChartOption>(() => ({
    tooltip: { trigger: 'item', valueFormatter: (v: unknown) => `${formatYuan(Number(v) * 100)} 元` },
    legend: { bottom: 0 },
    series: [{
      name: t('cw.bal.cash'), type: 'pie', radius: ['35%', '65%'],
      data: (s?.by_category ?? []).filter((r) => r.cash_fen > 0).map((r) => ({ name: r.label, value: r.cash_fen / 100 })),
    }],
  }), [s, t]);
  const festivalChart = useMemo<EChartOption>(() => ({
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 40, right: 12, top: 32, bottom: 32 },
    xAxis: { type: 'category', data: (festivals.data?.by_festival ?? []).map((r) => r.label) } as never,
    yAxis: { type: 'value', name: t('cw.unit.households') } as never,
    series: [
      { name: `${year}`, type: 'bar', data: (festivals.data?.by_festival ?? []).map((r) => r.households) },
      { name: `${year - 1}`, type: 'bar', data: (festivals.data?.by_festival ?? []).map((r) => r.last_year_households) },
    ],
  }), [festivals.data, t, year]);

  const festivalColumns: ColumnsType<FestivalSummary['by_festival'][number]> = [
    { title: t('cw.sum.festival'), dataIndex: 'label' },
    { title: t('cw.sum.campaigns'), dataIndex: 'campaigns', align: 'right', width: 64 },
    { title: t('cw.sum.households'), dataIndex: 'households', align: 'right', width: 64 },
    { title: t('cw.bal.cash'), dataIndex: 'cash_fen', align: 'right', width: 110, render: (v: number) => formatYuan(v) },
    { title: t('cw.sum.paid'), dataIndex: 'paid_fen', align: 'right', width: 110, render: (v: number) => formatYuan(v) },
    { title: t('cw.sum.lastYear'), dataIndex: 'last_year_households', align: 'right', width: 70 },
    { title: t('cw.sum.change'), dataIndex: 'households_change_pct', align: 'right', width: 80, render: (v: string | null) => pct(v) },
  ];

  return (
    <PageContainer title={t('cw.sum.title')} content={t('cw.sum.subtitle')}
      extra={<Space><CampaignPicker />{campaignId ? <ExportLink button kind="report" subjectId={campaignId} label={t('cw.sum.report')} testId="upward-report" /> : <Button type="primary" disabled data-testid="upward-report">{t('cw.sum.report')}</Button>}</Space>}>
      {!s ? <Card loading={summary.isLoading}><Empty /></Card> : (
        <>
          <Row gutter={12} style={{ marginBottom: 12 }}>
            <Col span={4}><Card size="small"><Statistic title={t('cw.sum.households')} value={s.totals.households} /></Card></Col>
            <Col span={5}><Card size="small"><Statistic title={t('cw.bal.cash')} value={formatYuan(s.totals.cash_fen)} /></Card></Col>
            <Col span={5}><Card size="small"><Statistic title={t('cw.bal.goods')} value={formatYuan(s.totals.goods_fen)} /></Card></Col>
            <Col span={5}><Card size="small"><Statistic title={t('cw.sum.paid')} value={formatYuan(s.totals.paid_fen)} suffix={<span style={{ fontSize: 12 }}>{s.totals.paid_households}{t('cw.unit.households')}</span>} /></Card></Col>
            <Col span={5}>
              <Card size="small">
                <Statistic title={s.previous_campaign_name ? t('cw.sum.vs', { name: s.previous_campaign_name }) : t('cw.sum.noLastYear')}
                  value={pct(s.totals.households_change_pct)} />
              </Card>
            </Col>
          </Row>
          <Row gutter={12}>
            <Col span={14}>
              <Card size="small" title={t('cw.sum.byTownship')} style={{ marginBottom: 12 }}>
                <Table<SummaryRow> rowKey={(r) => String(r.township_org_id ?? 'none')} size="small" pagination={false} scroll={{ x: 680, y: 280 }}
                  dataSource={s.by_township} columns={columns} data-testid="summary-townships" />
              </Card>
            </Col>
            <Col span={10}>
              <Card size="small" title={t('cw.sum.chartTownship')} style={{ marginBottom: 12 }}>
                <EChart option={townChart} height={300} ariaLabel={t('cw.sum.chartTownship')} data-testid="chart-summary-township" />
              </Card>
            </Col>
            <Col span={14}>
              <Card size="small" title={t('cw.sum.byCategory')} style={{ marginBottom: 12 }}>
                <Table<SummaryRow> rowKey={(r) => r.category_code ?? 'none'} size="small" pagination={false} scroll={{ x: 680 }} dataSource={s.by_category} columns={columns} />
              </Card>
            </Col>
            <Col span={10}>
              <Card size="small" title={t('cw.sum.chartCategory')} style={{ marginBottom: 12 }}>
                <EChart option={catChart} height={240} ariaLabel={t('cw.sum.chartCategory')} />
              </Card>
            </Col>
          </Row>
        </>
      )}
      <Card size="small" title={t('cw.sum.byFestival')} extra={<DatePicker picker="year" value={dayjs(`${year}-01-01`)} allowClear={false} onChange={(d) => d && setYear(d.year())} />}>
        <Row gutter={12}>
          <Col span={14}>
            <Table rowKey="festival" size="small" pagination={false} dataSource={festivals.data?.by_festival ?? []} columns={festivalColumns} />
            <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>{t('cw.sum.festivalHint')}</Typography.Paragraph>
          </Col>
          <Col span={10}><EChart option={festivalChart} height={240} ariaLabel={t('cw.sum.byFestival')} /></Col>
        </Row>
      </Card>
    </PageContainer>
  );
}
