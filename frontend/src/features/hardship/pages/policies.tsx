// 帮扶政策: the county's policy versions (the minimum living line and the standards built on it),
// the one in force marked; the county federation creates, corrects and deletes unused versions.
import { useState } from 'react';
import { PlusOutlined } from '@ant-design/icons';
import { ModalForm, PageContainer, ProFormDatePicker, ProFormDigit, ProFormText } from '@ant-design/pro-components';
import { Alert, App, Button, Form, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { Access, useMe } from '@/lib/access';
import { reportFormError } from '@/lib/form-errors';
import { useT } from '@/locales';
import { getPolicy, useCreatePolicy, useDeletePolicy, usePolicies, useUpdatePolicy } from '../api/reports';
import { formatYuan, yuanToFen } from '../components/money';
import { hardshipMessages } from '../locales';
import type { Policy, PolicyCreate } from '../types';

interface Values {
  name: string;
  basis_document?: string;
  effective_from: string;
  line: number;
  basic_pct: number;
  special_pct: number;
  major_pct: number;
  self_paid: number;
  exit_pct: number;
  stable_employment_months: number;
  review_interval_months: number;
  reminder_days: number;
}

function PolicyForm({ record, onClose }: { record?: { policy: Policy; etag: string | null }; onClose: () => void }) {
  const t = useT(hardshipMessages);
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const create = useCreatePolicy();
  const update = useUpdatePolicy();
  const p = record?.policy;
  const initial: Partial<Values> = p
    ? {
        name: p.name,
        basis_document: p.basis_document ?? undefined,
        effective_from: p.effective_from,
        line: p.min_living_line_fen / 100,
        basic_pct: p.basic_pct,
        special_pct: p.special_pct,
        major_pct: p.major_pct,
        self_paid: p.self_paid_threshold_fen / 100,
        exit_pct: p.exit_pct,
        stable_employment_months: p.stable_employment_months,
        review_interval_months: p.review_interval_months,
        reminder_days: p.reminder_days,
      }
    : { effective_from: dayjs().format('YYYY-MM-DD'), line: 780, basic_pct: 150, special_pct: 200, major_pct: 300, self_paid: 20000, exit_pct: 150, stable_employment_months: 6, review_interval_months: 12, reminder_days: 30 };
  const required = [{ required: true, message: t('hardship.form.required') }];
  return (
    <ModalForm<Values>
      open
      form={form}
      title={p ? `${t('hardship.policy.edit')}：${p.name}` : t('hardship.policy.create')}
      width={640}
      initialValues={initial}
      modalProps={{ onCancel: onClose, destroyOnHidden: true }}
      data-testid="policy-form"
      onFinish={async (v) => {
        const body = {
          name: v.name,
          basis_document: v.basis_document || null,
          effective_from: v.effective_from,
          min_living_line_fen: yuanToFen(v.line) ?? 0,
          basic_pct: v.basic_pct,
          special_pct: v.special_pct,
          major_pct: v.major_pct,
          self_paid_threshold_fen: yuanToFen(v.self_paid) ?? 0,
          exit_pct: v.exit_pct,
          stable_employment_months: v.stable_employment_months,
          review_interval_months: v.review_interval_months,
          reminder_days: v.reminder_days,
        };
        try {
          if (record) await update.mutateAsync({ id: record.policy.id, etag: record.etag, data: body });
          else await create.mutateAsync(body as PolicyCreate);
          void message.success(t('hardship.policy.saved'));
          onClose();
          return true;
        } catch (error) {
          const apiToForm: Record<string, keyof Values> = { min_living_line_fen: 'line', self_paid_threshold_fen: 'self_paid' };
          if (!reportFormError(form, error, (text) => void message.error(text))) return false;
          for (const [api, field] of Object.entries(apiToForm)) {
            const errors = (error as { errors?: { json?: Record<string, string[]> } }).errors?.json?.[api];
            if (errors) form.setFields([{ name: field, errors }]);
          }
          return false;
        }
      }}
    >
      <ProFormText name="name" label={t('hardship.policy.name')} rules={required} />
      <ProFormText name="basis_document" label={t('hardship.policy.basis')} />
      <ProFormDatePicker name="effective_from" label={t('hardship.policy.effectiveFrom')} rules={required} width="md" />
      <ProFormDigit name="line" label={t('hardship.policy.line')} min={0.01} fieldProps={{ precision: 2 }} rules={required} width="md" />
      <Space size={12} wrap>
        <ProFormDigit name="basic_pct" label={t('hardship.policy.basicPct')} min={100} max={1000} rules={required} width="sm" />
        <ProFormDigit name="special_pct" label={t('hardship.policy.specialPct')} min={100} max={1000} rules={required} width="sm" />
        <ProFormDigit name="major_pct" label={t('hardship.policy.majorPct')} min={100} max={1000} rules={required} width="sm" />
      </Space>
      <Space size={12} wrap>
        <ProFormDigit name="self_paid" label={t('hardship.policy.selfPaid')} min={0.01} fieldProps={{ precision: 2 }} rules={required} width="sm" />
        <ProFormDigit name="exit_pct" label={t('hardship.policy.exitPct')} min={100} max={1000} rules={required} width="sm" />
      </Space>
      <Space size={12} wrap>
        <ProFormDigit name="stable_employment_months" label={t('hardship.policy.stableMonths')} min={1} max={60} rules={required} width="xs" />
        <ProFormDigit name="review_interval_months" label={t('hardship.policy.interval')} min={1} max={60} rules={required} width="xs" />
        <ProFormDigit name="reminder_days" label={t('hardship.policy.reminder')} min={0} max={365} rules={required} width="xs" />
      </Space>
    </ModalForm>
  );
}

export default function PoliciesPage() {
  const t = useT(hardshipMessages);
  const { message } = App.useApp();
  const me = useMe();
  const { data, isLoading } = usePolicies();
  const remove = useDeletePolicy();
  const [editing, setEditing] = useState<{ policy: Policy; etag: string | null } | 'new' | null>(null);
  const county = me.scope?.is_root !== false;
  const policies = data?.items ?? [];
  return (
    <PageContainer
      title={t('hardship.policy.title')}
      content={t('hardship.policy.subtitle')}
      extra={
        <Access can="hardship.approve">
          {county ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="policy-create">
              {t('hardship.policy.create')}
            </Button>
          ) : null}
        </Access>
      }
    >
      {!isLoading && policies.length === 0 ? <Alert type="warning" showIcon message={t('hardship.policy.none')} style={{ marginBottom: 12 }} /> : null}
      <Access can="hardship.approve" fallback={<Alert type="info" showIcon message={t('hardship.policy.countyOnly')} style={{ marginBottom: 12 }} />}>
        {null}
      </Access>
      <Table<Policy>
        rowKey="id"
        loading={isLoading}
        dataSource={policies}
        pagination={false}
        scroll={{ x: 1100 }}
        data-testid="policy-table"
        columns={[
          {
            title: t('hardship.policy.name'),
            dataIndex: 'name',
            width: 260,
            render: (v: string, r) => (
              <Space direction="vertical" size={0}>
                <span>
                  {v} {r.in_force ? <Tag color="red">{t('hardship.policy.inForce')}</Tag> : null}
                </span>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {r.basis_document}
                </Typography.Text>
              </Space>
            ),
          },
          { title: t('hardship.policy.effectiveFrom'), dataIndex: 'effective_from', width: 110 },
          { title: t('hardship.policy.effectiveTo'), dataIndex: 'effective_to', width: 110, render: (v: string | null) => v ?? '—' },
          { title: t('hardship.policy.line'), dataIndex: 'min_living_line_fen', width: 120, align: 'right', render: (v: number) => formatYuan(v) },
          {
            title: t('hardship.policy.thresholds'),
            dataIndex: 'thresholds',
            render: (_, r) => (
              <Typography.Text style={{ fontSize: 12 }}>
                ①≤{formatYuan(r.thresholds.basic)}（{r.basic_pct}%） ②≤{formatYuan(r.thresholds.special)}（{r.special_pct}%） ③≤
                {formatYuan(r.thresholds.major)}（{r.major_pct}%） ④≥{formatYuan(r.self_paid_threshold_fen)} ｜{' '}
                {t('hardship.policy.summary', { exit: formatYuan(r.thresholds.exit), exitPct: r.exit_pct, interval: r.review_interval_months, days: r.reminder_days })}
              </Typography.Text>
            ),
          },
          { title: t('hardship.policy.households'), dataIndex: 'households', width: 80, align: 'right' },
          {
            title: '',
            key: 'actions',
            width: 120,
            render: (_, r) =>
              county ? (
                <Access can="hardship.approve">
                  <Space>
                    <a onClick={async () => setEditing({ policy: r, etag: (await getPolicy(r.id)).etag })}>{t('hardship.policy.edit')}</a>
                    <Popconfirm
                      title={t('hardship.policy.deleteConfirm', { name: r.name })}
                      okButtonProps={{ danger: true }}
                      onConfirm={async () => {
                        await remove.mutateAsync(r.id);
                        void message.success(t('hardship.policy.deleted'));
                      }}
                    >
                      <a>{t('hardship.policy.delete')}</a>
                    </Popconfirm>
                  </Space>
                </Access>
              ) : null,
          },
        ]}
      />
      {editing ? <PolicyForm record={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} /> : null}
    </PageContainer>
  );
}
