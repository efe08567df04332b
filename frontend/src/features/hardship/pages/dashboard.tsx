// 帮扶统计: households by status, category, cause and township (镇街/系统), filings and exits in the
// period, relief people and money by kind — every chart with its numbers beside it, all straight
// from the file (GET /hardship/statistics).
import { type ReactNode, useMemo, useState } from 'react';
import { PageContainer } from '@ant-design/pro-components';
import { Alert, Card, Col, DatePicker, Row, Space, Spin, Statistic, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { EChart, type EChartOption } from '@/components/echart';
import { OrgTreeSelect } from '@/components/org-tree-select';
import { isApiError } from '@/lib/api-client';
import { useLocale, useT } from '@/locales';
import { useHardshipStatistics } from '../api/reports';
import { formatYuan } from '../components/money';
import { hardshipCodesEn, hardshipMessages } from '../locales';
import type { Statistics } from '../types';

const RED = '#c8102e';
const BLUE = '#1d5fbf';
const GOLD = '#d4a017';
const GREEN = '#389e0d';
const PALETTE = [RED, BLUE, GOLD, GREEN, '#722ed1', '#13a8a8', '#fa8c16', '#eb2f96', '#8c8c8c'];

/** Horizontal bars; money series get their own axis (on top), so counts stay readable beside yuan. */
function bars(names: string[], series: { name: string; data: number[]; color: string; money?: boolean }[]): EChartOption {
  const mixed = series.some((s) => s.money) && series.some((s) => !s.money);
  const axis = (money: boolean) => ({
    type: 'value' as const,
    position: money && mixed ? ('top' as const) : ('bottom' as const),
    splitLine: { show: !money || !mixed },
    axisLabel: { formatter: (v: number) => (money && v >= 10000 ? `${v / 10000}万` : String(v)) },
  });
  return {
    grid: { left: 8, right: 64, top: mixed ? 48 : series.length > 1 ? 28 : 8, bottom: 8, containLabel: true },
    legend: series.length > 1 ? { top: 0, itemWidth: 12, itemHeight: 10 } : undefined,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: mixed ? [axis(false), axis(true)] : axis(series.some((s) => s.money)),
    yAxis: { type: 'category', data: names, inverse: true, axisLabel: { width: 110, overflow: 'truncate' } },
    series: series.map((s) => ({
      type: 'bar',
      name: s.name,
      data: s.data,
      xAxisIndex: mixed && s.money ? 1 : 0,
      itemStyle: { color: s.color },
      barMaxWidth: 14,
      label: { show: true, position: 'right', fontSize: 11, formatter: (p) => (s.money ? Number(p.value).toLocaleString('zh-CN') : String(p.value)) },
    })),
  };
}

function pie(data: { name: string; value: number }[]): EChartOption {
  return {
    tooltip: { trigger: 'item', formatter: '{b}: {c}（{d}%）' },
    series: [{ type: 'pie', radius: ['35%', '65%'], data, label: { fontSize: 11, formatter: '{b}\n{c}' }, color: PALETTE }],
  };
}

function Section({ title, chart, table }: { title: string; chart: ReactNode; table: ReactNode }) {
  return (
    <Card size="small" title={title} style={{ height: '100%' }}>
      <Row gutter={12}>
        <Col xs={24} xl={13}>
          {chart}
        </Col>
        <Col xs={24} xl={11}>
          {table}
        </Col>
      </Row>
    </Card>
  );
}

const height = (n: number) => Math.max(160, Math.min(440, 26 * n + 40));
const yuan = (fen: number) => Math.round(fen / 100);

export default function HardshipDashboardPage() {
  const t = useT(hardshipMessages);
  const [locale] = useLocale();
  const [under, setUnder] = useState<number | undefined>();
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().startOf('year'), dayjs()]);
  const query = { under, date_from: range[0].format('YYYY-MM-DD'), date_to: range[1].format('YYYY-MM-DD') };
  const { data, isLoading, isFetching, error } = useHardshipStatistics(query);
  const label = (kind: string, item: { code: string; label: string }) =>
    locale === 'zh-CN' ? item.label : (hardshipCodesEn[`${kind}.${item.code}`] ?? item.label);

  const charts = useMemo(() => (data ? build(data) : null), [data]); // eslint-disable-line react-hooks/exhaustive-deps
  function build(s: Statistics) {
    const cats = s.by_category.filter((c) => c.households || c.relief_fen);
    const areas = s.by_township.filter((a) => a.households || a.relief_fen);
    const kinds = s.relief_by_kind.filter((k) => k.times);
    return {
      cats,
      areas,
      kinds,
      category: bars(cats.map((c) => label('categories', c)), [
        { name: t('hardship.field.open'), data: cats.map((c) => c.households), color: RED },
        { name: t('hardship.dash.amount'), data: cats.map((c) => yuan(c.relief_fen)), color: GOLD, money: true },
      ]),
      township: bars(areas.map((a) => a.name), [
        { name: t('hardship.field.open'), data: areas.map((a) => a.households), color: RED },
        { name: t('hardship.dash.amount'), data: areas.map((a) => yuan(a.relief_fen)), color: GOLD, money: true },
      ]),
      kind: bars(kinds.map((k) => label('relief_kinds', k)), [
        { name: t('hardship.dash.amount'), data: kinds.map((k) => yuan(k.amount_fen)), color: GOLD, money: true },
      ]),
      cause: pie(s.by_cause.filter((c) => c.households).map((c) => ({ name: label('causes', c), value: c.households }))),
      status: pie(s.by_status.filter((c) => c.households).map((c) => ({ name: label('statuses', c), value: c.households }))),
    };
  }

  const open = data ? data.by_status.filter((s) => ['candidate', 'verified', 'filed'].includes(s.code)).reduce((n, s) => n + s.households, 0) : 0;
  const filed = data?.by_status.find((s) => s.code === 'filed')?.households ?? 0;

  return (
    <PageContainer
      title={t('hardship.dash.title')}
      content={t('hardship.dash.subtitle')}
      extra={
        <Space wrap>
          <Typography.Text type="secondary">{t('hardship.dash.period')}</Typography.Text>
          <DatePicker.RangePicker
            value={range}
            allowClear={false}
            onChange={(v) => v && v[0] && v[1] && setRange([v[0], v[1]])}
            data-testid="dashboard-range"
          />
          <Typography.Text type="secondary">{t('hardship.dash.scope')}</Typography.Text>
          <OrgTreeSelect value={under} onChange={(v) => setUnder(v)} style={{ width: 240 }} placeholder={t('hardship.dash.scopeAll')} />
        </Space>
      }
    >
      {error ? (
        <Alert type="error" showIcon message={isApiError(error) ? error.message : t('hardship.dash.failed')} />
      ) : isLoading || !data || !charts ? (
        <Spin size="large" style={{ display: 'block', margin: '96px auto' }} />
      ) : (
        <Spin spinning={isFetching}>
          <Space direction="vertical" size={12} style={{ width: '100%' }} data-testid="hardship-dashboard">
            <Row gutter={[12, 12]}>
              {[
                [t('hardship.dash.openFiles'), open, 'dash-open'],
                [t('hardship.dash.filed'), filed, 'dash-filed'],
                [t('hardship.dash.filedInPeriod'), data.filed_in_period, 'dash-filed-period'],
                [t('hardship.dash.exitsInPeriod'), data.exits_in_period, 'dash-exits'],
                [t('hardship.dash.reliefPeople'), data.relief_people, 'dash-people'],
                [t('hardship.dash.overdue'), data.review_overdue, 'dash-overdue'],
              ].map(([title, value, id]) => (
                <Col key={id as string} xs={12} md={8} xl={4}>
                  <Card size="small">
                    <Statistic title={title as string} value={value as number} data-testid={id as string} />
                  </Card>
                </Col>
              ))}
            </Row>
            <Card size="small">
              <Statistic
                title={t('hardship.dash.reliefAmount')}
                value={formatYuan(data.relief_amount_fen)}
                suffix={locale === 'zh-CN' ? '元' : 'yuan'}
                data-testid="dash-amount"
              />
            </Card>
            <Section
              title={t('hardship.dash.byCategory')}
              chart={<EChart option={charts.category} height={height(charts.cats.length * 2)} ariaLabel={t('hardship.dash.byCategory')} />}
              table={
                <Table
                  size="small"
                  rowKey="code"
                  pagination={false}
                  dataSource={charts.cats}
                  data-testid="dash-category-table"
                  columns={[
                    { title: t('hardship.field.category'), dataIndex: 'code', render: (_: string, r) => label('categories', r) },
                    { title: t('hardship.field.open'), dataIndex: 'households', align: 'right' },
                    { title: t('hardship.field.filed'), dataIndex: 'filed', align: 'right' },
                    { title: t('hardship.dash.people'), dataIndex: 'relief_people', align: 'right' },
                    { title: t('hardship.dash.amount'), dataIndex: 'relief_fen', align: 'right', render: (v: number) => formatYuan(v) },
                  ]}
                />
              }
            />
            <Section
              title={t('hardship.dash.byTownship')}
              chart={<EChart option={charts.township} height={height(charts.areas.length * 2)} ariaLabel={t('hardship.dash.byTownship')} />}
              table={
                <Table
                  size="small"
                  rowKey={(r) => String(r.org_id)}
                  pagination={false}
                  dataSource={charts.areas}
                  scroll={{ y: 420 }}
                  data-testid="dash-township-table"
                  columns={[
                    { title: t('hardship.field.township'), dataIndex: 'name', ellipsis: true },
                    { title: t('hardship.field.open'), dataIndex: 'households', align: 'right', width: 90 },
                    { title: t('hardship.field.filed'), dataIndex: 'filed', align: 'right', width: 70 },
                    { title: t('hardship.dash.people'), dataIndex: 'relief_people', align: 'right', width: 70 },
                    { title: t('hardship.dash.amount'), dataIndex: 'relief_fen', align: 'right', width: 110, render: (v: number) => formatYuan(v) },
                  ]}
                />
              }
            />
            <Section
              title={t('hardship.dash.byKind')}
              chart={<EChart option={charts.kind} height={height(charts.kinds.length)} ariaLabel={t('hardship.dash.byKind')} />}
              table={
                <Table
                  size="small"
                  rowKey="code"
                  pagination={false}
                  dataSource={charts.kinds}
                  data-testid="dash-kind-table"
                  columns={[
                    { title: t('hardship.relief.kind'), dataIndex: 'code', render: (_: string, r) => label('relief_kinds', r) },
                    { title: t('hardship.dash.people'), dataIndex: 'people', align: 'right' },
                    { title: t('hardship.dash.times'), dataIndex: 'times', align: 'right' },
                    { title: t('hardship.dash.amount'), dataIndex: 'amount_fen', align: 'right', render: (v: number) => formatYuan(v) },
                  ]}
                  summary={() => (
                    <Table.Summary.Row>
                      <Table.Summary.Cell index={0}>∑</Table.Summary.Cell>
                      <Table.Summary.Cell index={1} align="right">{data.relief_people}</Table.Summary.Cell>
                      <Table.Summary.Cell index={2} align="right">{data.relief_times}</Table.Summary.Cell>
                      <Table.Summary.Cell index={3} align="right">{formatYuan(data.relief_amount_fen)}</Table.Summary.Cell>
                    </Table.Summary.Row>
                  )}
                />
              }
            />
            <Row gutter={12}>
              <Col xs={24} xl={8}>
                <Section
                  title={t('hardship.dash.byCause')}
                  chart={<EChart option={charts.cause} height={220} ariaLabel={t('hardship.dash.byCause')} />}
                  table={
                    <Table size="small" rowKey="code" pagination={false} dataSource={data.by_cause.filter((c) => c.households)}
                      columns={[{ title: t('hardship.field.cause'), dataIndex: 'code', render: (_: string, r) => label('causes', r) }, { title: t('hardship.dash.households'), dataIndex: 'households', align: 'right' }]} />
                  }
                />
              </Col>
              <Col xs={24} xl={8}>
                <Section
                  title={t('hardship.dash.byStatus')}
                  chart={<EChart option={charts.status} height={220} ariaLabel={t('hardship.dash.byStatus')} />}
                  table={
                    <Table size="small" rowKey="code" pagination={false} dataSource={data.by_status}
                      columns={[{ title: t('hardship.field.status'), dataIndex: 'code', render: (_: string, r) => label('statuses', r) }, { title: t('hardship.dash.households'), dataIndex: 'households', align: 'right' }]} />
                  }
                />
              </Col>
              <Col xs={24} xl={8}>
                <Card size="small" title={t('hardship.dash.exits')} style={{ height: '100%' }}>
                  <Table size="small" rowKey="code" pagination={false} dataSource={data.exits_by_reason}
                    columns={[{ title: t('hardship.exit.reason'), dataIndex: 'code', render: (_: string, r) => label('exit_reasons', r) }, { title: t('hardship.dash.households'), dataIndex: 'households', align: 'right' }]} />
                </Card>
              </Col>
            </Row>
          </Space>
        </Spin>
      )}
    </PageContainer>
  );
}
