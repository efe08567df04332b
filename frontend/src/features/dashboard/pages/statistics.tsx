// 统计分析: organisation-building indicators of the user's part of the county (or a chosen
// subtree), by direct child org (townships, industry unions …): founding rate (≥25 staff and all
// employers), membership rate, migrant-worker members, cadres per post, orgs by type. Every chart
// has its numbers in a table beside it.
import { useMemo, useState } from 'react';
import { PageContainer } from '@ant-design/pro-components';
import { Alert, Card, Col, Empty, Row, Space, Spin, Table, Typography } from 'antd';
import { EChart, type EChartOption } from '@/components/echart';
import { OrgTreeSelect } from '@/components/org-tree-select';
import { isApiError } from '@/lib/api-client';
import { useLocale, useT } from '@/locales';
import { codeLabel } from '@/locales/codes';
import { formatRate, rateNumber, useIndicators } from '../api/indicators';
import { IndicatorCards } from '../components/indicator-cards';
import { MembersTrend } from '../components/members-trend';
import { dashboardMessages } from '../locales';
import type { IndicatorRow } from '../types';

const RED = '#c8102e';
const BLUE = '#1d5fbf';
const GOLD = '#d4a017';
const GREY = '#8c8c8c';

function ChartCard({ title, extra, chart, table }: { title: string; extra?: React.ReactNode; chart: React.ReactNode; table: React.ReactNode }) {
  return (
    <Card size="small" title={title} extra={extra} style={{ height: '100%' }}>
      <Row gutter={16}>
        <Col xs={24} xl={12}>
          {chart}
        </Col>
        <Col xs={24} xl={12}>
          {table}
        </Col>
      </Row>
    </Card>
  );
}

/** Horizontal bars: long Chinese org names read best on the category axis at the left. */
function barOption({
  names,
  series,
  percent,
  stacked = false,
}: {
  names: string[];
  series: { name: string; data: (number | null)[]; color: string }[];
  percent: boolean;
  stacked?: boolean;
}): EChartOption {
  return {
    grid: { left: 8, right: 40, top: series.length > 1 ? 28 : 8, bottom: 8, containLabel: true },
    legend: series.length > 1 ? { top: 0, itemWidth: 12, itemHeight: 10 } : undefined,
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      valueFormatter: (v) => (v === null || v === undefined ? '—' : percent ? `${Number(v).toFixed(2)}%` : String(v)),
    },
    xAxis: { type: 'value', axisLabel: { formatter: percent ? '{value}%' : '{value}' }, max: percent ? (v) => Math.max(100, Math.ceil(v.max)) : undefined },
    yAxis: {
      type: 'category',
      data: names,
      inverse: true,
      axisLabel: { width: 130, overflow: 'truncate' },
    },
    series: series.map((s) => ({
      type: 'bar',
      name: s.name,
      data: s.data,
      itemStyle: { color: s.color },
      barMaxWidth: 16,
      stack: stacked ? 'total' : undefined,
      label: stacked
        ? undefined
        : {
            show: true,
            position: 'right',
            fontSize: 11,
            formatter: (p) => (p.value === null || p.value === undefined ? '' : percent ? `${Number(p.value).toFixed(1)}%` : String(p.value)),
          },
    })),
  };
}

export default function StatisticsPage() {
  const t = useT(dashboardMessages);
  const [locale] = useLocale();
  const [orgId, setOrgId] = useState<number | undefined>(undefined);
  const { data, isLoading, error, isFetching } = useIndicators(orgId);

  const rows = useMemo(() => data?.by_child ?? [], [data]);
  const rowName = (row: IndicatorRow) => (row.is_self ? t('dashboard.self', { name: row.org.name }) : row.org.name);
  // Rows with nothing to count only add empty bars.
  const foundingRows = rows.filter((r) => r.founding_all.total > 0);
  const membershipRows = rows.filter((r) => r.membership.members > 0 || r.membership.unionised_staff > 0);
  const migrantRows = rows.filter((r) => r.migrant_members.count > 0 || r.membership.members > 0);

  const foundingOption = useMemo(
    () =>
      barOption({
        names: foundingRows.map(rowName),
        percent: true,
        series: [
          { name: t('dashboard.stat.founding25'), data: foundingRows.map((r) => rateNumber(r.founding_25_plus.rate)), color: RED },
          { name: t('dashboard.stat.foundingAll'), data: foundingRows.map((r) => rateNumber(r.founding_all.rate)), color: BLUE },
        ],
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [data, t],
  );
  const membershipOption = useMemo(
    () =>
      barOption({
        names: membershipRows.map(rowName),
        percent: true,
        series: [{ name: t('dashboard.stat.membership'), data: membershipRows.map((r) => rateNumber(r.membership.rate)), color: RED }],
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [data, t],
  );
  const migrantOption = useMemo(
    () =>
      barOption({
        names: migrantRows.map(rowName),
        percent: false,
        series: [{ name: t('dashboard.migrant.count'), data: migrantRows.map((r) => r.migrant_members.count), color: GOLD }],
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [data, t],
  );
  const posts = (data?.totals.cadres.by_post ?? [])
    .filter((p) => p.total > 0)
    .map((p) => ({ ...p, post_label: codeLabel(locale, 'cadre_posts', p.post, p.post_label) }));
  const cadreOption = useMemo(
    () =>
      barOption({
        names: posts.map((p) => p.post_label),
        percent: false,
        stacked: true,
        series: [
          { name: t('dashboard.cadres.fullTime'), data: posts.map((p) => p.full_time), color: RED },
          { name: t('dashboard.cadres.partTime'), data: posts.map((p) => p.part_time), color: GREY },
        ],
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [data, t, locale],
  );
  const types = (data?.totals.orgs.by_type ?? [])
    .filter((o) => o.count > 0)
    .map((o) => ({ ...o, org_type_label: codeLabel(locale, 'org_types', o.org_type, o.org_type_label) }));
  const orgTypeOption = useMemo<EChartOption>(
    () => ({
      tooltip: { trigger: 'item', formatter: '{b}: {c}（{d}%）' },
      series: [
        {
          type: 'pie',
          radius: ['35%', '65%'],
          center: ['50%', '52%'],
          data: types.map((o) => ({ name: o.org_type_label, value: o.count })),
          label: { fontSize: 11, formatter: '{b}\n{c}' },
          color: [RED, BLUE, GOLD, '#389e0d', '#722ed1', '#13a8a8', '#fa8c16', '#eb2f96', GREY, '#2f54eb', '#a0d911'],
        },
      ],
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [data, locale],
  );

  const chartHeight = (n: number) => Math.max(160, Math.min(420, 28 * n + 40));

  return (
    <PageContainer
      title={t('dashboard.stats.title')}
      content={t('dashboard.stats.subtitle')}
      extra={
        <Space>
          <Typography.Text type="secondary">{t('dashboard.stats.scope')}</Typography.Text>
          <OrgTreeSelect value={orgId} onChange={(v) => setOrgId(v)} style={{ width: 280 }} placeholder={t('dashboard.stats.scopeAll')} />
        </Space>
      }
    >
      {error ? (
        <Alert type="error" showIcon message={isApiError(error) ? error.message : t('dashboard.stats.failed')} />
      ) : isLoading || !data ? (
        <Spin size="large" style={{ display: 'block', margin: '96px auto' }} />
      ) : (
        <Spin spinning={isFetching}>
          <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="statistics">
            <Typography.Text type="secondary">
              {t('dashboard.stats.asOf', { org: data.org.name, date: data.as_of })}
            </Typography.Text>
            <IndicatorCards totals={data.totals} />

            <MembersTrend orgId={orgId} />

            <ChartCard
              title={t('dashboard.founding.title')}
              extra={<Typography.Text type="secondary">{t('dashboard.founding.hint')}</Typography.Text>}
              chart={
                foundingRows.length ? (
                  <EChart option={foundingOption} height={chartHeight(foundingRows.length)} data-testid="chart-founding" ariaLabel={t('dashboard.founding.title')} />
                ) : (
                  <Empty />
                )
              }
              table={
                <Table<IndicatorRow>
                  size="small"
                  rowKey={(r) => `${r.org.id}-${r.is_self}`}
                  dataSource={foundingRows}
                  pagination={false}
                  scroll={{ y: 360 }}
                  columns={[
                    { title: t('dashboard.col.org'), key: 'org', render: (_, r) => rowName(r), ellipsis: true },
                    {
                      title: t('dashboard.col.f25'),
                      children: [
                        { title: t('dashboard.col.founded'), key: 'f25n', align: 'right', width: 84, render: (_, r) => `${r.founding_25_plus.founded}/${r.founding_25_plus.total}` },
                        { title: t('dashboard.col.foundingRate'), key: 'f25r', align: 'right', width: 80, render: (_, r) => formatRate(r.founding_25_plus.rate) },
                      ],
                    },
                    {
                      title: t('dashboard.col.fall'),
                      children: [
                        { title: t('dashboard.col.founded'), key: 'falln', align: 'right', width: 84, render: (_, r) => `${r.founding_all.founded}/${r.founding_all.total}` },
                        { title: t('dashboard.col.foundingRate'), key: 'fallr', align: 'right', width: 80, render: (_, r) => formatRate(r.founding_all.rate) },
                      ],
                    },
                  ]}
                  summary={() => (
                    <Table.Summary fixed>
                      <Table.Summary.Row style={{ fontWeight: 600 }}>
                        <Table.Summary.Cell index={0}>{t('dashboard.col.total')}</Table.Summary.Cell>
                        <Table.Summary.Cell index={1} align="right">{`${data.totals.founding_25_plus.founded}/${data.totals.founding_25_plus.total}`}</Table.Summary.Cell>
                        <Table.Summary.Cell index={2} align="right">{formatRate(data.totals.founding_25_plus.rate)}</Table.Summary.Cell>
                        <Table.Summary.Cell index={3} align="right">{`${data.totals.founding_all.founded}/${data.totals.founding_all.total}`}</Table.Summary.Cell>
                        <Table.Summary.Cell index={4} align="right">{formatRate(data.totals.founding_all.rate)}</Table.Summary.Cell>
                      </Table.Summary.Row>
                    </Table.Summary>
                  )}
                />
              }
            />

            <ChartCard
              title={t('dashboard.membership.title')}
              extra={<Typography.Text type="secondary">{t('dashboard.membership.hint')}</Typography.Text>}
              chart={
                membershipRows.length ? (
                  <EChart option={membershipOption} height={chartHeight(membershipRows.length)} data-testid="chart-membership" ariaLabel={t('dashboard.membership.title')} />
                ) : (
                  <Empty />
                )
              }
              table={
                <Table<IndicatorRow>
                  size="small"
                  rowKey={(r) => `${r.org.id}-${r.is_self}`}
                  dataSource={membershipRows}
                  pagination={false}
                  scroll={{ y: 360 }}
                  columns={[
                    { title: t('dashboard.col.org'), key: 'org', render: (_, r) => rowName(r), ellipsis: true },
                    { title: t('dashboard.col.members'), key: 'm', align: 'right', width: 80, render: (_, r) => r.membership.members },
                    { title: t('dashboard.col.staff'), key: 's', align: 'right', width: 110, render: (_, r) => r.membership.unionised_staff },
                    { title: t('dashboard.col.rate'), key: 'r', align: 'right', width: 80, render: (_, r) => formatRate(r.membership.rate) },
                  ]}
                  summary={() => (
                    <Table.Summary fixed>
                      <Table.Summary.Row style={{ fontWeight: 600 }}>
                        <Table.Summary.Cell index={0}>{t('dashboard.col.total')}</Table.Summary.Cell>
                        <Table.Summary.Cell index={1} align="right">{data.totals.membership.members}</Table.Summary.Cell>
                        <Table.Summary.Cell index={2} align="right">{data.totals.membership.unionised_staff}</Table.Summary.Cell>
                        <Table.Summary.Cell index={3} align="right">{formatRate(data.totals.membership.rate)}</Table.Summary.Cell>
                      </Table.Summary.Row>
                    </Table.Summary>
                  )}
                />
              }
            />

            <ChartCard
              title={t('dashboard.migrant.title')}
              chart={
                migrantRows.length ? (
                  <EChart option={migrantOption} height={chartHeight(migrantRows.length)} data-testid="chart-migrant" ariaLabel={t('dashboard.migrant.title')} />
                ) : (
                  <Empty />
                )
              }
              table={
                <Table<IndicatorRow>
                  size="small"
                  rowKey={(r) => `${r.org.id}-${r.is_self}`}
                  dataSource={migrantRows}
                  pagination={false}
                  scroll={{ y: 360 }}
                  columns={[
                    { title: t('dashboard.col.org'), key: 'org', render: (_, r) => rowName(r), ellipsis: true },
                    { title: t('dashboard.migrant.count'), key: 'c', align: 'right', width: 100, render: (_, r) => r.migrant_members.count },
                    { title: t('dashboard.col.share'), key: 's', align: 'right', width: 110, render: (_, r) => formatRate(r.migrant_members.share) },
                  ]}
                />
              }
            />

            <Row gutter={16}>
              <Col xs={24} xl={12}>
                <Card size="small" title={t('dashboard.cadres.title')} style={{ height: '100%' }}>
                  {posts.length ? (
                    <EChart option={cadreOption} height={chartHeight(posts.length)} data-testid="chart-cadres" ariaLabel={t('dashboard.cadres.title')} />
                  ) : (
                    <Empty />
                  )}
                  <Table
                    size="small"
                    rowKey="post"
                    dataSource={posts}
                    pagination={false}
                    columns={[
                      { title: t('dashboard.cadres.post'), dataIndex: 'post_label' },
                      { title: t('dashboard.cadres.fullTime'), dataIndex: 'full_time', align: 'right' },
                      { title: t('dashboard.cadres.partTime'), dataIndex: 'part_time', align: 'right' },
                      { title: t('dashboard.col.total'), dataIndex: 'total', align: 'right' },
                    ]}
                  />
                </Card>
              </Col>
              <Col xs={24} xl={12}>
                <Card size="small" title={t('dashboard.orgs.title')} style={{ height: '100%' }}>
                  {types.length ? <EChart option={orgTypeOption} height={260} data-testid="chart-orgs" ariaLabel={t('dashboard.orgs.title')} /> : <Empty />}
                  <Table
                    size="small"
                    rowKey="org_type"
                    dataSource={types}
                    pagination={false}
                    columns={[
                      { title: t('dashboard.orgs.type'), dataIndex: 'org_type_label' },
                      { title: t('dashboard.orgs.count'), dataIndex: 'count', align: 'right', width: 100 },
                    ]}
                  />
                </Card>
              </Col>
            </Row>
          </Space>
        </Spin>
      )}
    </PageContainer>
  );
}
