// The headline numbers of a subtree: founding rates, membership rate, migrant-worker members,
// cadres and orgs — each with the counts it is computed from.
import { Card, Col, Row, Statistic, Typography } from 'antd';
import { useT } from '@/locales';
import { formatRate } from '../api/indicators';
import { dashboardMessages } from '../locales';
import type { IndicatorBlock } from '../types';

function Tile({ title, value, note, testId }: { title: string; value: string | number; note: string; testId?: string }) {
  return (
    <Card size="small" style={{ height: '100%' }} styles={{ body: { padding: '12px 16px' } }} data-testid={testId}>
      <Statistic title={title} value={value} valueStyle={{ fontSize: 24 }} />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {note}
      </Typography.Text>
    </Card>
  );
}

export function IndicatorCards({ totals }: { totals: IndicatorBlock }) {
  const t = useT(dashboardMessages);
  const f25 = totals.founding_25_plus;
  const fall = totals.founding_all;
  const m = totals.membership;
  return (
    <Row gutter={[12, 12]}>
      <Col xs={12} md={8} xl={4}>
        <Tile
          testId="stat-founding-25"
          title={t('dashboard.stat.founding25')}
          value={formatRate(f25.rate)}
          note={t('dashboard.stat.foundingNote', { founded: f25.founded, total: f25.total })}
        />
      </Col>
      <Col xs={12} md={8} xl={4}>
        <Tile
          title={t('dashboard.stat.foundingAll')}
          value={formatRate(fall.rate)}
          note={t('dashboard.stat.foundingNote', { founded: fall.founded, total: fall.total })}
        />
      </Col>
      <Col xs={12} md={8} xl={4}>
        <Tile
          title={t('dashboard.stat.membership')}
          value={formatRate(m.rate)}
          note={t('dashboard.stat.membershipNote', { members: m.members, staff: m.unionised_staff })}
        />
      </Col>
      <Col xs={12} md={8} xl={4}>
        <Tile
          title={t('dashboard.stat.migrant')}
          value={totals.migrant_members.count}
          note={t('dashboard.stat.shareNote', { share: formatRate(totals.migrant_members.share) })}
        />
      </Col>
      <Col xs={12} md={8} xl={4}>
        <Tile
          title={t('dashboard.stat.cadres')}
          value={totals.cadres.total}
          note={t('dashboard.stat.cadresNote', { full: totals.cadres.full_time, part: totals.cadres.part_time })}
        />
      </Col>
      <Col xs={12} md={8} xl={4}>
        <Tile
          title={t('dashboard.stat.orgs')}
          value={totals.orgs.total}
          note={t('dashboard.stat.orgsNote', { overdue: totals.orgs.reelection_overdue })}
        />
      </Col>
    </Row>
  );
}
