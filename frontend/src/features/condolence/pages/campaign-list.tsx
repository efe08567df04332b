// 慰问活动: the county's festival campaigns, with set-up, "以此为模板新建", opening and closing
// nominations, and the way to each campaign's nominations and roster.
import { useRef, useState } from 'react';
import { CopyOutlined, PlusOutlined } from '@ant-design/icons';
import { type ActionType, ModalForm, PageContainer, ProFormDateTimePicker, ProFormDigit, ProFormText, type ProColumns, ProTable } from '@ant-design/pro-components';
import { App, Button, Popconfirm, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { Link, useNavigate } from 'react-router';
import { paths } from '@/config/paths';
import { Access, useAccess } from '@/lib/access';
import { getWithEtag, isApiError } from '@/lib/api-client';
import { showTotal, useProTableRequest } from '@/lib/pro-table';
import { useT } from '@/locales';
import { listCampaigns, useCampaignAction, useCopyCampaign, useDeleteCampaign } from '../api/roster';
import { useRosterCodes } from '../components/codes';
import { CAMPAIGN_STATUS_COLOR, yuan } from '../components/format';
import { rosterMessages } from '../locales';
import type { Campaign, CampaignQuery, RosterSummary } from '../types';

export default function CampaignListPage() {
  const t = useT(rosterMessages);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const codes = useRosterCodes();
  const access = useAccess();
  const canManage = access.can('condolence.manage');
  const actionRef = useRef<ActionType>(undefined);
  const [copying, setCopying] = useState<Campaign | null>(null);
  const action = useCampaignAction();
  const copy = useCopyCampaign();
  const remove = useDeleteCampaign();
  const { request, estimated } = useProTableRequest<Campaign, CampaignQuery>((args) => listCampaigns(args));

  const run = async (id: number, kind: 'open' | 'close-nominations') => {
    await action.mutateAsync({ id, action: kind });
    void message.success(t('common.saved'));
    actionRef.current?.reload();
  };

  const columns: ProColumns<Campaign>[] = [
    { title: t('roster.field.name'), dataIndex: 'q', hideInTable: true },
    {
      title: t('roster.field.name'),
      dataIndex: 'name',
      hideInSearch: true,
      width: 240,
      render: (_, row) => <Link to={`${paths.condolenceCampaigns}/${row.id}`}>{row.name}</Link>,
    },
    { title: t('roster.field.festival'), dataIndex: 'festival', valueType: 'select', valueEnum: codes.valueEnum('festivals'), width: 100 },
    { title: t('roster.field.year'), dataIndex: 'year', valueType: 'digit', width: 80 },
    {
      title: t('roster.field.status'),
      dataIndex: 'status',
      valueType: 'select',
      valueEnum: codes.valueEnum('campaign_statuses'),
      width: 110,
      render: (_, row) => <Tag color={CAMPAIGN_STATUS_COLOR[row.status] ?? 'default'}>{row.status_label}</Tag>,
    },
    {
      title: t('roster.field.deadline'),
      dataIndex: 'nomination_deadline',
      hideInSearch: true,
      width: 150,
      render: (_, row) => (row.nomination_deadline ? dayjs(row.nomination_deadline).format('YYYY-MM-DD HH:mm') : '—'),
    },
    {
      title: t('roster.field.budgetCash'),
      dataIndex: 'budget_cash_fen',
      hideInSearch: true,
      align: 'right',
      width: 120,
      render: (_, row) => `${yuan(row.budget_cash_fen)} ${t('roster.yuan')}`,
    },
    {
      title: t('roster.summary.title'),
      key: 'summary',
      hideInSearch: true,
      width: 160,
      render: (_, row) => {
        const s = row.roster_summary as unknown as RosterSummary | null;
        if (!s) return <Typography.Text type="secondary">{t('roster.summary.empty')}</Typography.Text>;
        return `${t('roster.summary.ok')} ${s.ok.toLocaleString()} / ${s.lines.toLocaleString()}`;
      },
    },
    {
      title: t('common.actions'),
      valueType: 'option',
      width: 330,
      fixed: 'right',
      render: (_, row) => [
        <Link key="nominations" to={`${paths.condolenceNominations}?campaign=${row.id}`}>{t('roster.campaigns.nominations')}</Link>,
        <Link key="lines" to={`${paths.condolenceRoster}?campaign=${row.id}`}>{t('roster.campaigns.lines')}</Link>,
        canManage ? (
          <Link key="edit" to={`${paths.condolenceCampaigns}/${row.id}/edit`}>{t('roster.campaigns.edit')}</Link>
        ) : null,
        canManage && row.status === 'draft' ? (
          <a key="open" onClick={() => void run(row.id, 'open')}>{t('roster.campaigns.open')}</a>
        ) : null,
        canManage && row.status === 'nominating' ? (
          <Popconfirm key="close" title={`${t('roster.campaigns.close')}？`} onConfirm={() => run(row.id, 'close-nominations')}>
            <a>{t('roster.campaigns.close')}</a>
          </Popconfirm>
        ) : null,
        canManage ? (
          <a key="copy" onClick={() => setCopying(row)}>
            <CopyOutlined /> {t('roster.campaigns.copy')}
          </a>
        ) : null,
        canManage && row.status === 'draft' ? (
          <Popconfirm
            key="delete"
            title={t('roster.campaigns.deleteConfirm', { name: row.name })}
            okButtonProps={{ danger: true }}
            onConfirm={async () => {
              const { etag } = await getWithEtag<Campaign>(`/condolence/campaigns/${row.id}`);
              await remove.mutateAsync({ id: row.id, etag });
              void message.success(t('common.deleted'));
              actionRef.current?.reload();
            }}
          >
            <a>{t('common.delete')}</a>
          </Popconfirm>
        ) : null,
      ],
    },
  ];

  return (
    <PageContainer title={t('roster.campaigns.title')} content={t('roster.campaigns.subtitle')}>
      <ProTable<Campaign, CampaignQuery>
        rowKey="id"
        actionRef={actionRef}
        columns={columns}
        request={request}
        search={{ labelWidth: 'auto' }}
        pagination={{ defaultPageSize: 20, showTotal: showTotal(t, estimated) }}
        scroll={{ x: 1300 }}
        toolBarRender={() => [
          <Access key="new" can="condolence.manage">
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate(`${paths.condolenceCampaigns}/new`)}>
              {t('roster.campaigns.new')}
            </Button>
          </Access>,
        ]}
      />
      {copying ? (
        <ModalForm<{ name: string; year: number; nomination_deadline?: string }>
          open
          title={t('roster.campaigns.copyTitle', { name: copying.name })}
          modalProps={{ destroyOnHidden: true, onCancel: () => setCopying(null) }}
          initialValues={{ name: copying.name.replace(String(copying.year), String(copying.year + 1)), year: copying.year + 1 }}
          onFinish={async (values) => {
            try {
              const created = await copy.mutateAsync({
                id: copying.id,
                data: {
                  name: values.name,
                  year: values.year,
                  nomination_deadline: values.nomination_deadline ? dayjs(values.nomination_deadline).format() : null,
                },
              });
              setCopying(null);
              void message.success(t('roster.form.saved'));
              navigate(`${paths.condolenceCampaigns}/${created.id}/edit`);
              return true;
            } catch (error) {
              if (isApiError(error)) void message.error(error.message);
              return false;
            }
          }}
        >
          <Typography.Paragraph type="secondary">{t('roster.campaigns.copyHint')}</Typography.Paragraph>
          <ProFormText name="name" label={t('roster.field.name')} rules={[{ required: true, message: t('roster.form.required') }]} />
          <Space>
            <ProFormDigit name="year" label={t('roster.field.year')} min={2000} max={2100} fieldProps={{ precision: 0 }} rules={[{ required: true }]} />
            <ProFormDateTimePicker name="nomination_deadline" label={t('roster.field.deadline')} />
          </Space>
        </ModalForm>
      ) : null}
    </PageContainer>
  );
}
