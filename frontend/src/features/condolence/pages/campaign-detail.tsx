// One campaign: its set-up and the roster's overview after the last judgement (by result, by reason,
// by township), with re-judging on demand and the way to its nominations and roster.
import { ReloadOutlined } from '@ant-design/icons';
import { PageContainer, ProCard, ProDescriptions, StatisticCard } from '@ant-design/pro-components';
import { App, Button, Empty, Result, Skeleton, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { Link, useNavigate, useParams } from 'react-router';
import { paths } from '@/config/paths';
import { Access } from '@/lib/access';
import { useT } from '@/locales';
import { useCampaign, useCampaignAction } from '../api/roster';
import { useRosterCodes } from '../components/codes';
import { CAMPAIGN_STATUS_COLOR, CHECK_STATUS_COLOR, yuan } from '../components/format';
import { rosterMessages } from '../locales';
import type { RosterSummary } from '../types';

export default function CampaignDetailPage() {
  const t = useT(rosterMessages);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const id = Number(useParams().id);
  const codes = useRosterCodes();
  const { data, isLoading, error, refetch } = useCampaign(id);
  const action = useCampaignAction();
  if (isLoading) return <Skeleton active />;
  if (error || !data) return <Result status="404" title={t('roster.noCampaign')} />;
  const c = data.data;
  const s = c.roster_summary as unknown as RosterSummary | null;

  return (
    <PageContainer
      title={c.name}
      onBack={() => navigate(paths.condolenceCampaigns)}
      tags={<Tag color={CAMPAIGN_STATUS_COLOR[c.status] ?? 'default'}>{c.status_label}</Tag>}
      extra={[
        <Link key="n" to={`${paths.condolenceNominations}?campaign=${c.id}`}>
          <Button>{t('roster.campaigns.nominations')}</Button>
        </Link>,
        <Link key="l" to={`${paths.condolenceRoster}?campaign=${c.id}`}>
          <Button type="primary">{t('roster.campaigns.lines')}</Button>
        </Link>,
        <Access key="e" can="condolence.manage">
          <Link to={`${paths.condolenceCampaigns}/${c.id}/edit`}>
            <Button>{t('roster.campaigns.edit')}</Button>
          </Link>
        </Access>,
        <Access key="r" can="condolence.manage">
          <Button
            icon={<ReloadOutlined />}
            loading={action.isPending}
            onClick={async () => {
              await action.mutateAsync({ id: c.id, action: 'rejudge' });
              void message.success(t('roster.campaigns.rejudged'));
              setTimeout(() => void refetch(), 3000);
            }}
          >
            {t('roster.campaigns.rejudge')}
          </Button>
        </Access>,
      ]}
    >
      <ProCard split="vertical" bordered style={{ marginBottom: 16 }}>
        <ProCard colSpan="45%">
          <ProDescriptions column={1} size="small">
            <ProDescriptions.Item label={t('roster.field.festival')}>{c.festival_label} · {c.year}</ProDescriptions.Item>
            <ProDescriptions.Item label={t('roster.field.basis')}>{c.basis_document || '—'}</ProDescriptions.Item>
            <ProDescriptions.Item label={t('roster.field.deadline')}>
              {c.nomination_deadline ? dayjs(c.nomination_deadline).format('YYYY-MM-DD HH:mm') : '—'}
            </ProDescriptions.Item>
            <ProDescriptions.Item label={t('roster.field.budgetCash')}>{yuan(c.budget_cash_fen)} {t('roster.yuan')}</ProDescriptions.Item>
            <ProDescriptions.Item label={t('roster.field.budgetGoods')}>{yuan(c.budget_goods_fen)} {t('roster.yuan')}</ProDescriptions.Item>
            {c.template_name ? <ProDescriptions.Item label={t('roster.field.template')}>{c.template_name}</ProDescriptions.Item> : null}
            <ProDescriptions.Item label={t('roster.field.rules')}>
              <Space wrap size={[4, 4]}>
                {c.rules.require_hardship_file ? <Tag>{t('roster.rules.require_hardship_file')}</Tag> : null}
                {c.rules.exclude_exited ? <Tag>{t('roster.rules.exclude_exited')}</Tag> : null}
                {c.rules.exclude_review_overdue ? <Tag>{t('roster.rules.exclude_review_overdue')}</Tag> : null}
                {c.rules.once_per_festival ? <Tag>{t('roster.rules.once_per_festival')}</Tag> : null}
                {c.rules.cooldown_months ? <Tag>{t('roster.rules.cooldownTag', { n: c.rules.cooldown_months })}</Tag> : null}
                {c.rules.income_limit_pct ? <Tag>{t('roster.rules.incomeTag', { n: c.rules.income_limit_pct })}</Tag> : null}
              </Space>
            </ProDescriptions.Item>
            <ProDescriptions.Item label={t('roster.field.judgedAt')}>
              {c.judged_at ? dayjs(c.judged_at).format('YYYY-MM-DD HH:mm:ss') : '—'}
            </ProDescriptions.Item>
          </ProDescriptions>
        </ProCard>
        <ProCard title={t('roster.field.categories')}>
          <Table
            size="small"
            rowKey="code"
            pagination={false}
            dataSource={c.categories}
            columns={[
              { title: t('roster.field.categoryName'), dataIndex: 'name' },
              { title: t('roster.field.standardCash'), dataIndex: 'standard_cash_fen', align: 'right', render: (v: number) => yuan(v) },
              { title: t('roster.field.standardGoods'), dataIndex: 'standard_goods_fen', align: 'right', render: (v: number) => yuan(v) },
            ]}
          />
          <Typography.Title level={5} style={{ marginTop: 16 }}>{t('roster.field.quotas')}</Typography.Title>
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={c.quotas}
            columns={[
              { title: t('roster.field.quotaOrg'), dataIndex: 'org_name' },
              { title: t('roster.field.quotaCategory'), dataIndex: 'category_code', render: (v: string | null) => c.categories.find((x) => x.code === v)?.name ?? '—' },
              { title: t('roster.field.quotaMax'), dataIndex: 'max_households', align: 'right' },
            ]}
          />
        </ProCard>
      </ProCard>

      <ProCard title={t('roster.summary.title')} bordered>
        {!s || !s.lines ? (
          <Empty description={t('roster.summary.empty')} />
        ) : (
          <>
            <StatisticCard.Group direction="row">
              <StatisticCard statistic={{ title: t('roster.summary.lines'), value: s.lines }} />
              <StatisticCard statistic={{ title: t('roster.summary.ok'), value: s.ok }} />
              <StatisticCard statistic={{ title: t('roster.summary.okCash'), value: yuan(s.ok_cash_fen), suffix: t('roster.yuan') }} />
              <StatisticCard statistic={{ title: t('roster.summary.okGoods'), value: yuan(s.ok_goods_fen), suffix: t('roster.yuan') }} />
            </StatisticCard.Group>
            <Space wrap style={{ margin: '12px 0' }}>
              {Object.entries(s.by_status).map(([status, n]) => (
                <Link key={status} to={`${paths.condolenceRoster}?campaign=${c.id}&check_status=${status}`}>
                  <Tag color={CHECK_STATUS_COLOR[status] ?? 'default'}>
                    {codes.label('check_statuses', status)} {n.toLocaleString()}
                  </Tag>
                </Link>
              ))}
            </Space>
            <ProCard split="vertical" ghost>
              <ProCard title={t('roster.summary.byReason')} colSpan="50%">
                <Table
                  size="small"
                  rowKey="code"
                  pagination={false}
                  dataSource={Object.entries(s.by_code).map(([code, n]) => ({ code, n })).sort((a, b) => b.n - a.n)}
                  columns={[
                    {
                      title: t('roster.lines.checkCode'),
                      dataIndex: 'code',
                      render: (code: string) => (
                        <Link to={`${paths.condolenceRoster}?campaign=${c.id}&check_code=${code}`}>{codes.label('check_codes', code)}</Link>
                      ),
                    },
                    { title: t('roster.summary.count'), dataIndex: 'n', align: 'right', render: (n: number) => n.toLocaleString() },
                  ]}
                />
              </ProCard>
              <ProCard title={t('roster.summary.byTownship')}>
                <Table
                  size="small"
                  rowKey={(r) => String(r.township_org_id)}
                  pagination={false}
                  dataSource={s.by_township}
                  columns={[
                    { title: t('roster.summary.township'), dataIndex: 'name', render: (v: string | null) => v ?? '—' },
                    { title: t('roster.summary.total'), dataIndex: 'total', align: 'right', render: (n: number) => n.toLocaleString() },
                    { title: t('roster.summary.ok'), dataIndex: 'ok', align: 'right', render: (n: number) => n.toLocaleString() },
                    { title: t('roster.summary.okCash'), dataIndex: 'cash_fen', align: 'right', render: (v: number) => yuan(v) },
                  ]}
                />
              </ProCard>
            </ProCard>
          </>
        )}
      </ProCard>
    </PageContainer>
  );
}
