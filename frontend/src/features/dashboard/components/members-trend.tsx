// 会员人数变化: monthly joins and transfers in (up), leaves and transfers out (down) as bars, members
// at the end of each month as a line, and the same numbers in a table beside the chart.
import { useMemo } from 'react';
import { Alert, Card, Col, Empty, Row, Space, Spin, Table, Typography } from 'antd';
import { EChart } from '@/components/echart';
import { isApiError } from '@/lib/api-client';
import { useT } from '@/locales';
import { useMembersOverTime } from '../api/indicators';
import { dashboardMessages } from '../locales';
import type { MemberMonth } from '../types';
import { trendOption } from './trend-option';

export function MembersTrend({ orgId, months = 24 }: { orgId?: number; months?: number }) {
  const t = useT(dashboardMessages);
  const { data, error, isLoading } = useMembersOverTime(orgId, months);
  const option = useMemo(() => (data ? trendOption(data, t) : null), [data, t]);
  const rows = useMemo(() => [...(data?.series ?? [])].reverse(), [data]);
  const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

  let body;
  if (error) body = <Alert type="error" showIcon message={isApiError(error) ? error.message : t('dashboard.stats.failed')} />;
  else if (isLoading || !data || !option) body = <Spin style={{ display: 'block', margin: '48px auto' }} />;
  else
    body = (
      <Row gutter={16}>
        <Col xs={24} xl={14}>
          {data.series.length ? (
            <EChart option={option} height={340} data-testid="chart-members-trend" ariaLabel={t('dashboard.trend.title', { months })} />
          ) : (
            <Empty />
          )}
          <Space direction="vertical" size={0} style={{ marginTop: 4 }}>
            {data.unknown_join_date ? (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('dashboard.trend.unknownJoin', { n: data.unknown_join_date })}
              </Typography.Text>
            ) : null}
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('dashboard.trend.leftNote')}
            </Typography.Text>
          </Space>
        </Col>
        <Col xs={24} xl={10}>
          <Table<MemberMonth>
            size="small"
            rowKey="month"
            dataSource={rows}
            pagination={false}
            scroll={{ y: 300 }}
            data-testid="members-trend-table"
            columns={[
              { title: t('dashboard.trend.month'), dataIndex: 'month', width: 80 },
              { title: t('dashboard.trend.joined'), dataIndex: 'joined', align: 'right' },
              { title: t('dashboard.trend.transferredIn'), dataIndex: 'transferred_in', align: 'right' },
              { title: t('dashboard.trend.transferredOut'), dataIndex: 'transferred_out', align: 'right' },
              { title: t('dashboard.trend.left'), dataIndex: 'left', align: 'right' },
              { title: t('dashboard.trend.net'), dataIndex: 'net', align: 'right', render: (v: number) => signed(v) },
              { title: t('dashboard.trend.members'), dataIndex: 'members_end', align: 'right', width: 84 },
            ]}
            summary={() => (
              <Table.Summary fixed>
                <Table.Summary.Row style={{ fontWeight: 600 }}>
                  <Table.Summary.Cell index={0}>{t('dashboard.col.total')}</Table.Summary.Cell>
                  <Table.Summary.Cell index={1} align="right">{data.totals.joined}</Table.Summary.Cell>
                  <Table.Summary.Cell index={2} align="right">{data.totals.transferred_in}</Table.Summary.Cell>
                  <Table.Summary.Cell index={3} align="right">{data.totals.transferred_out}</Table.Summary.Cell>
                  <Table.Summary.Cell index={4} align="right">{data.totals.left}</Table.Summary.Cell>
                  <Table.Summary.Cell index={5} align="right">{signed(data.totals.net)}</Table.Summary.Cell>
                  <Table.Summary.Cell index={6} align="right">{data.members_now}</Table.Summary.Cell>
                </Table.Summary.Row>
              </Table.Summary>
            )}
          />
        </Col>
      </Row>
    );

  return (
    <Card
      size="small"
      title={t('dashboard.trend.title', { months })}
      extra={
        data ? (
          <Typography.Text type="secondary" data-testid="members-trend-summary">
            {t('dashboard.trend.summary', { start: data.members_start, now: data.members_now, net: signed(data.totals.net) })}
          </Typography.Text>
        ) : (
          <Typography.Text type="secondary">{t('dashboard.trend.hint')}</Typography.Text>
        )
      }
      data-testid="members-trend"
    >
      {body}
    </Card>
  );
}
