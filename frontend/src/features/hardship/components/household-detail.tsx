// One household of the file: head and family (ID and bank card masked; the full numbers only with
// hardship.reveal_pii, every reveal logged), the assessment by the current policy (which rule it
// meets or why none, in yuan), visits, relief given, history and the evidence; and the actions its
// status allows (visit, file, review, exit, reject, relief).
import { useState } from 'react';
import {
  AuditOutlined,
  CheckCircleOutlined,
  CloseCircleOutlined,
  EditOutlined,
  EyeOutlined,
  FileDoneOutlined,
  GiftOutlined,
  HomeOutlined,
  LogoutOutlined,
  StopOutlined,
} from '@ant-design/icons';
import { ProDescriptions } from '@ant-design/pro-components';
import { Alert, App, Button, Card, Empty, Popconfirm, Result, Skeleton, Space, Table, Tabs, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { RecordPanel } from '@/components/record-panels';
import { paths } from '@/config/paths';
import { Access } from '@/lib/access';
import { isApiError } from '@/lib/api-client';
import { useT } from '@/locales';
import {
  useFileHousehold,
  useHousehold,
  useHouseholdHistory,
  useHouseholdReliefs,
  useHouseholdVisits,
  useRevealHousehold,
} from '../api/households';
import { hardshipMessages } from '../locales';
import type { Assessment, FileBody, HouseholdDetail as Detail, HouseholdMember, HouseholdSensitive, Relief, Visit } from '../types';
import { type ActionKind, ExitForm, RejectForm, ReliefForm, ReviewForm, VisitForm } from './action-forms';
import { useHardshipCodes } from './codes';
import { HouseholdFormModal } from './household-form';
import { formatYuan } from './money';
import { ReviewTags, StatusTag } from './status-tag';

function AssessmentCard({ assessment }: { assessment: Assessment | null }) {
  const t = useT(hardshipMessages);
  const codes = useHardshipCodes();
  if (!assessment) return <Alert type="warning" showIcon message={t('hardship.detail.assessmentNone')} />;
  return (
    <Card
      size="small"
      title={t('hardship.detail.assessment')}
      extra={<Typography.Text type="secondary">{t('hardship.detail.policy', { name: assessment.policy_name ?? '' })}</Typography.Text>}
      data-testid="assessment"
    >
      <Alert
        type={assessment.met ? 'success' : 'warning'}
        showIcon
        message={assessment.explanation}
        description={assessment.size_explanation}
        style={{ marginBottom: 8 }}
        data-testid="assessment-explanation"
      />
      <Table
        size="small"
        pagination={false}
        rowKey="code"
        dataSource={assessment.rules}
        columns={[
          {
            title: t('hardship.detail.rules'),
            dataIndex: 'code',
            width: 260,
            render: (code: string) => codes.label('rules', code),
          },
          {
            title: '',
            dataIndex: 'met',
            width: 80,
            render: (met: boolean) =>
              met ? (
                <Tag icon={<CheckCircleOutlined />} color="success">
                  {t('hardship.detail.met')}
                </Tag>
              ) : (
                <Tag icon={<CloseCircleOutlined />}>{t('hardship.detail.notMet')}</Tag>
              ),
          },
          { title: '', dataIndex: 'detail' },
        ]}
      />
    </Card>
  );
}

function IdNumbers({ household }: { household: Detail }) {
  const t = useT(hardshipMessages);
  const reveal = useRevealHousehold();
  const [full, setFull] = useState<HouseholdSensitive | null>(null);
  return (
    <Space size={8} wrap>
      <Typography.Text code data-testid="household-id-number">
        {full ? full.id_number : household.head_id_masked}
      </Typography.Text>
      {full ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {full.bank_card_number ? `${t('hardship.field.bankCard')} ${full.bank_card_number}；` : ''}
          {t('hardship.detail.revealLogged')}
        </Typography.Text>
      ) : (
        <Access can="hardship.reveal_pii">
          <Popconfirm
            title={t('hardship.detail.revealTitle')}
            description={t('hardship.detail.revealConfirm')}
            okText={t('hardship.detail.revealOk')}
            onConfirm={async () => setFull(await reveal.mutateAsync(household.id))}
          >
            <Button size="small" type="link" icon={<EyeOutlined />} loading={reveal.isPending} data-testid="reveal-household">
              {t('hardship.detail.reveal')}
            </Button>
          </Popconfirm>
        </Access>
      )}
    </Space>
  );
}

function MembersTable({ members }: { members: HouseholdMember[] }) {
  const t = useT(hardshipMessages);
  const codes = useHardshipCodes();
  if (!members.length) return <Typography.Text type="secondary">{t('hardship.members.empty')}</Typography.Text>;
  return (
    <Table<HouseholdMember>
      size="small"
      rowKey="id"
      pagination={false}
      dataSource={members}
      scroll={{ x: 820 }}
      data-testid="household-members"
      columns={[
        { title: t('hardship.members.name'), dataIndex: 'name', width: 90 },
        { title: t('hardship.members.relation'), dataIndex: 'relation', width: 90, render: (v: string) => codes.label('relations', v) },
        { title: t('hardship.members.idNumber'), dataIndex: 'id_number_masked', width: 170, render: (v: string | null) => v ?? '-' },
        { title: t('hardship.members.marital'), dataIndex: 'marital_status', width: 80, render: (v: string | null) => codes.label('marital_statuses', v) || '-' },
        { title: t('hardship.members.health'), dataIndex: 'health', width: 90, render: (v: string) => codes.label('health', v) },
        {
          title: t('hardship.members.school'),
          dataIndex: 'school_stage',
          width: 150,
          render: (v: string | null, r) => (v ? `${codes.label('school_stages', v)}${r.school_name ? `（${r.school_name}）` : ''}` : '-'),
        },
        { title: t('hardship.members.income'), dataIndex: 'monthly_income_fen', width: 100, align: 'right', render: (v: number) => formatYuan(v) },
        {
          title: t('hardship.members.counted'),
          dataIndex: 'counted',
          width: 100,
          render: (v: boolean) => (v ? <Tag color="blue">✓</Tag> : <Tag>—</Tag>),
        },
      ]}
    />
  );
}

function VisitsTab({ householdId }: { householdId: number }) {
  const t = useT(hardshipMessages);
  const codes = useHardshipCodes();
  const { data, isLoading } = useHouseholdVisits(householdId);
  return (
    <Table<Visit>
      size="small"
      rowKey="id"
      loading={isLoading}
      dataSource={data?.items ?? []}
      pagination={false}
      locale={{ emptyText: <Empty description={t('hardship.detail.noVisits')} /> }}
      data-testid="household-visits"
      expandable={{ expandedRowRender: (v) => <RecordPanel name="evidence" subjectType="hardship_visit" subjectId={v.id} /> }}
      columns={[
        { title: t('hardship.visit.date'), dataIndex: 'visited_on', width: 110 },
        { title: t('hardship.visit.kind'), dataIndex: 'kind', width: 90, render: (v: string) => codes.label('visit_kinds', v) },
        { title: t('hardship.visit.visitors'), dataIndex: 'visitors', width: 160, ellipsis: true },
        { title: t('hardship.visit.findings'), dataIndex: 'findings' },
        {
          title: t('hardship.visit.outcome'),
          dataIndex: 'outcome',
          width: 120,
          render: (v: string) => <Tag color={v === 'recommend_exit' || v === 'not_eligible' ? 'warning' : 'default'}>{codes.label('visit_outcomes', v)}</Tag>,
        },
        { title: t('hardship.field.income'), dataIndex: 'household_income_fen', width: 130, align: 'right', render: (v: number | null) => formatYuan(v) },
      ]}
    />
  );
}

function ReliefsTab({ householdId }: { householdId: number }) {
  const t = useT(hardshipMessages);
  const codes = useHardshipCodes();
  const { data, isLoading } = useHouseholdReliefs(householdId);
  return (
    <Table<Relief>
      size="small"
      rowKey="id"
      loading={isLoading}
      dataSource={data?.items ?? []}
      pagination={false}
      locale={{ emptyText: <Empty description={t('hardship.detail.noReliefs')} /> }}
      data-testid="household-reliefs"
      columns={[
        { title: t('hardship.relief.paidOn'), dataIndex: 'paid_on', width: 110 },
        { title: t('hardship.relief.kind'), dataIndex: 'kind', width: 130, render: (v: string) => codes.label('relief_kinds', v) },
        { title: t('hardship.relief.amount'), dataIndex: 'amount_fen', width: 110, align: 'right', render: (v: number) => formatYuan(v) },
        { title: t('hardship.relief.method'), dataIndex: 'payment_method', width: 100, render: (v: string) => codes.label('payment_methods', v) },
        {
          title: t('hardship.relief.student'),
          dataIndex: 'beneficiary_name',
          width: 140,
          render: (v: string | null, r) => (v ? `${v}${r.school_stage ? `（${codes.label('school_stages', r.school_stage)}）` : ''}` : '-'),
        },
        { title: t('hardship.relief.note'), dataIndex: 'note', ellipsis: true, render: (v: string | null, r) => v ?? r.goods_description ?? r.source ?? '' },
      ]}
    />
  );
}

function HistoryTab({ householdId }: { householdId: number }) {
  const { data, isLoading } = useHouseholdHistory(householdId);
  const t = useT(hardshipMessages);
  return (
    <Table
      size="small"
      rowKey="id"
      loading={isLoading}
      dataSource={data?.items ?? []}
      pagination={false}
      data-testid="household-history"
      columns={[
        { title: '', dataIndex: 'at', width: 170, render: (v: string) => v.slice(0, 19).replace('T', ' ') },
        { title: '', dataIndex: 'action_label', width: 160 },
        { title: '', dataIndex: 'actor_name', width: 120 },
        {
          title: t('hardship.detail.history'),
          dataIndex: 'changes',
          render: (changes: Record<string, unknown> | null) => (
            <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis={{ tooltip: true }}>
              {changes ? summarize(changes) : ''}
            </Typography.Text>
          ),
        },
      ]}
    />
  );
}

function summarize(changes: Record<string, unknown>): string {
  return Object.entries(changes)
    .filter(([key]) => !key.endsWith('_enc') && !key.endsWith('_hash'))
    .slice(0, 8)
    .map(([key, value]) => {
      if (Array.isArray(value) && value.length === 2) return `${key}: ${fmt(value[0])} → ${fmt(value[1])}`;
      return `${key}: ${fmt(value)}`;
    })
    .join('；');
}

function fmt(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function HouseholdDetail({
  householdId,
  onChanged,
  showOpenLink = false,
}: {
  householdId: number;
  onChanged?: () => void;
  showOpenLink?: boolean;
}) {
  const t = useT(hardshipMessages);
  const { message } = App.useApp();
  const codes = useHardshipCodes();
  const { data, isLoading, error, refetch } = useHousehold(householdId);
  const fileMutation = useFileHousehold();
  const [dialog, setDialog] = useState<ActionKind | 'edit' | null>(null);

  if (isLoading) return <Skeleton active paragraph={{ rows: 12 }} />;
  if (error || !data) {
    const notFound = isApiError(error) && error.status === 404;
    return (
      <div data-testid="household-not-found">
        <Result
          status={notFound ? '404' : 'error'}
          title={t('hardship.detail.notFound')}
          extra={
            <Link to={paths.hardshipHouseholds}>
              <Button type="primary">{t('hardship.detail.back')}</Button>
            </Link>
          }
        />
      </div>
    );
  }
  const h = data.data;
  const etag = data.etag;
  const done = () => {
    setDialog(null);
    void refetch();
    onChanged?.();
  };
  const open = ['candidate', 'verified', 'filed'].includes(h.status);

  return (
    <div data-testid="household-detail">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Space size={8} align="center" wrap>
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="household-detail-name">
            {h.head_name}
          </Typography.Title>
          <StatusTag status={h.status} />
          <Typography.Text type="secondary">{h.file_no}</Typography.Text>
          <ReviewTags household={h} />
        </Space>
        <Space wrap>
          {open ? (
            <Access can="hardship.write">
              <Button icon={<EditOutlined />} onClick={() => setDialog('edit')} data-testid="household-edit">
                {t('hardship.action.edit')}
              </Button>
            </Access>
          ) : null}
          {h.status === 'candidate' || h.status === 'verified' ? (
            <Access can="hardship.write">
              <Button icon={<HomeOutlined />} onClick={() => setDialog('visit')} data-testid="household-verify">
                {t('hardship.action.verify')}
              </Button>
            </Access>
          ) : null}
          {h.status === 'verified' ? (
            <Access can="hardship.approve">
              <Popconfirm
                title={t('hardship.action.fileConfirm', { name: h.head_name })}
                onConfirm={async () => {
                  const result = await fileMutation.mutateAsync({ id: h.id, etag, data: {} as FileBody });
                  void message.success(t('hardship.action.filed', { date: result.next_review_due ?? '' }));
                  done();
                }}
              >
                <Button type="primary" icon={<FileDoneOutlined />} loading={fileMutation.isPending} data-testid="household-file">
                  {t('hardship.action.file')}
                </Button>
              </Popconfirm>
            </Access>
          ) : null}
          {h.status === 'filed' ? (
            <>
              <Access can="hardship.write">
                <Button type="primary" icon={<AuditOutlined />} onClick={() => setDialog('review')} data-testid="household-review">
                  {t('hardship.action.review')}
                </Button>
              </Access>
              <Access can="hardship.write">
                <Button icon={<HomeOutlined />} onClick={() => setDialog('visit')}>
                  {t('hardship.action.followUp')}
                </Button>
              </Access>
            </>
          ) : null}
          {h.status === 'filed' || h.status === 'exited' ? (
            <Access can="hardship.write">
              <Button icon={<GiftOutlined />} onClick={() => setDialog('relief')} data-testid="household-relief">
                {t('hardship.action.relief')}
              </Button>
            </Access>
          ) : null}
          {h.status === 'filed' ? (
            <Access can="hardship.approve">
              <Button danger icon={<LogoutOutlined />} onClick={() => setDialog('exit')} data-testid="household-exit">
                {t('hardship.action.exit')}
              </Button>
            </Access>
          ) : null}
          {h.status === 'candidate' || h.status === 'verified' ? (
            <Access can="hardship.approve">
              <Button danger icon={<StopOutlined />} onClick={() => setDialog('reject')} data-testid="household-reject">
                {t('hardship.action.reject')}
              </Button>
            </Access>
          ) : null}
          {showOpenLink ? <Link to={`${paths.hardshipHouseholds}/${h.id}`}>{t('hardship.detail.openPage')}</Link> : null}
        </Space>
      </Space>

      {h.exit_recommended ? <Alert type="warning" showIcon message={t('hardship.detail.exitRecommended')} style={{ marginBottom: 12 }} /> : null}
      {h.status === 'exited' ? <Alert type="success" showIcon message={t('hardship.detail.afterExit')} style={{ marginBottom: 12 }} /> : null}

      <Space direction="vertical" size={12} style={{ width: '100%' }}>
        <AssessmentCard assessment={(h.assessment as Assessment | null) ?? null} />
        <Card size="small" title={t('hardship.detail.basic')}>
          <ProDescriptions<Detail>
            column={3}
            size="small"
            dataSource={h}
            labelStyle={{ width: 96 }}
            columns={[
              { title: t('hardship.field.idNumber'), key: 'id', span: 2, render: () => <IdNumbers household={h} /> },
              { title: t('hardship.field.gender'), dataIndex: 'head_gender', render: (_, r) => codes.label('genders', r.head_gender) },
              { title: t('hardship.field.birthDate'), dataIndex: 'head_birth_date' },
              { title: t('hardship.field.mobile'), dataIndex: 'mobile' },
              { title: t('hardship.field.marital'), dataIndex: 'marital_status', render: (_, r) => codes.label('marital_statuses', r.marital_status) },
              { title: t('hardship.field.org'), dataIndex: 'org_name', span: 2 },
              { title: t('hardship.field.township'), dataIndex: 'township_name' },
              { title: t('hardship.field.employer'), dataIndex: 'employer_name' },
              { title: t('hardship.field.employmentStatus'), dataIndex: 'employment_status', render: (_, r) => codes.label('employment_statuses', r.employment_status) },
              { title: t('hardship.field.stableSince'), dataIndex: 'stable_employment_since' },
              { title: t('hardship.field.category'), dataIndex: 'category', render: (_, r) => codes.label('categories', r.category) },
              {
                title: t('hardship.field.causes'),
                dataIndex: 'causes',
                span: 2,
                render: (_, r) => (
                  <Space size={4} wrap>
                    {r.causes.map((c) => (
                      <Tag key={c}>{codes.label('causes', c)}</Tag>
                    ))}
                  </Space>
                ),
              },
              { title: t('hardship.field.health'), dataIndex: 'head_health', render: (_, r) => codes.label('health', r.head_health) },
              { title: t('hardship.field.size'), dataIndex: 'household_size' },
              { title: t('hardship.field.income'), dataIndex: 'household_income_fen', render: (_, r) => formatYuan(r.household_income_fen) },
              { title: t('hardship.field.perCapita'), dataIndex: 'per_capita_income_fen', render: (_, r) => <strong data-testid="household-per-capita">{formatYuan(r.per_capita_income_fen)}</strong> },
              { title: t('hardship.field.medical'), dataIndex: 'self_paid_medical_fen', render: (_, r) => formatYuan(r.self_paid_medical_fen) },
              { title: t('hardship.field.loss'), dataIndex: 'disaster_loss_fen', render: (_, r) => formatYuan(r.disaster_loss_fen) },
              { title: t('hardship.field.bankCard'), dataIndex: 'bank_card_masked', render: (_, r) => (r.bank_card_masked ? `${r.bank_card_masked}（${r.bank_name ?? ''}）` : '-') },
              { title: t('hardship.field.source'), dataIndex: 'source', render: (_, r) => codes.label('sources', r.source) },
              { title: t('hardship.field.appliedOn'), dataIndex: 'applied_on' },
              { title: t('hardship.field.verifiedOn'), dataIndex: 'verified_on' },
              { title: t('hardship.field.filedOn'), dataIndex: 'filed_on' },
              { title: t('hardship.field.lastReview'), dataIndex: 'last_review_on' },
              { title: t('hardship.field.nextReview'), dataIndex: 'next_review_due', render: (_, r) => <span data-testid="household-next-review">{r.next_review_due ?? '-'}</span> },
              ...(h.status === 'exited'
                ? [
                    { title: t('hardship.field.exitedOn'), dataIndex: 'exited_on' as const },
                    { title: t('hardship.field.exitReason'), dataIndex: 'exit_reason' as const, render: (_: unknown, r: Detail) => codes.label('exit_reasons', r.exit_reason) },
                    { title: t('hardship.field.exitNote'), dataIndex: 'exit_note' as const },
                  ]
                : []),
              ...(h.status === 'rejected' ? [{ title: t('hardship.field.rejectedReason'), dataIndex: 'rejected_reason' as const, span: 3 }] : []),
              { title: t('hardship.field.remark'), dataIndex: 'remark', span: 3 },
            ]}
          />
        </Card>
        <Card size="small" title={t('hardship.members.title')}>
          <MembersTable members={h.members} />
        </Card>
        <Card size="small" bodyStyle={{ paddingTop: 0 }}>
          <Tabs
            items={[
              { key: 'visits', label: t('hardship.detail.visits'), children: <VisitsTab householdId={h.id} /> },
              {
                key: 'reliefs',
                label: `${t('hardship.detail.reliefs')}（${h.relief_count}）`,
                children: (
                  <Space direction="vertical" style={{ width: '100%' }}>
                    <Typography.Text type="secondary">
                      {t('hardship.detail.reliefTotal', { count: h.relief_count, amount: t('hardship.yuan', { amount: formatYuan(h.relief_total_fen) }) })}
                    </Typography.Text>
                    <ReliefsTab householdId={h.id} />
                  </Space>
                ),
              },
              { key: 'history', label: t('hardship.detail.history'), children: <HistoryTab householdId={h.id} /> },
              {
                key: 'evidence',
                label: t('hardship.detail.evidence'),
                children: (
                  <Space direction="vertical" style={{ width: '100%' }}>
                    <Typography.Text type="secondary">{t('hardship.detail.evidenceHint')}</Typography.Text>
                    <RecordPanel name="evidence" subjectType="hardship_household" subjectId={h.id} />
                  </Space>
                ),
              },
            ]}
          />
        </Card>
      </Space>

      {dialog === 'edit' ? <HouseholdFormModal record={h} etag={etag} onClose={() => setDialog(null)} onDone={done} /> : null}
      {dialog === 'visit' ? <VisitForm household={h} etag={etag} onClose={() => setDialog(null)} onDone={done} /> : null}
      {dialog === 'review' ? <ReviewForm household={h} etag={etag} onClose={() => setDialog(null)} onDone={done} /> : null}
      {dialog === 'exit' ? <ExitForm household={h} etag={etag} onClose={() => setDialog(null)} onDone={done} /> : null}
      {dialog === 'reject' ? <RejectForm household={h} etag={etag} onClose={() => setDialog(null)} onDone={done} /> : null}
      {dialog === 'relief' ? <ReliefForm household={h} etag={etag} onClose={() => setDialog(null)} onDone={done} /> : null}
    </div>
  );
}
