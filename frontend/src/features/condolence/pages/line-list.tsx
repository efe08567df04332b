// 名单校验: every nomination of a campaign with its judgement and the reason in Chinese; server-side
// paging and filters (result, reason, township, union, category, batch, search) and an Excel export
// of the filtered view.
import { useMemo, useRef, useState } from 'react';
import { DownloadOutlined } from '@ant-design/icons';
import { type ActionType, PageContainer, type ProColumns, ProTable } from '@ant-design/pro-components';
import { App, Button, Tag, Tooltip, Typography } from 'antd';
import { Link, useSearchParams } from 'react-router';
import { OrgTreeSelect } from '@/components/org-tree-select';
import { paths } from '@/config/paths';
import { isApiError } from '@/lib/api-client';
import { showTotal, useProTableRequest } from '@/lib/pro-table';
import { useT } from '@/locales';
import { exportLines, listLines, useCampaign } from '../api/roster';
import { CampaignPicker } from '../components/campaign-picker';
import { useCampaignParam } from '../components/use-campaign-param';
import { useRosterCodes } from '../components/codes';
import { CHECK_STATUS_COLOR, yuan } from '../components/format';
import { rosterMessages } from '../locales';
import type { Line, LineQuery } from '../types';

const URL_FILTERS = ['check_status', 'check_code', 'batch_id', 'review_status', 'category_code', 'q'] as const;

function LineTable({ campaignId }: { campaignId: number }) {
  const t = useT(rosterMessages);
  const { message } = App.useApp();
  const codes = useRosterCodes();
  const [params] = useSearchParams();
  const campaign = useCampaign(campaignId);
  const actionRef = useRef<ActionType>(undefined);
  const [exporting, setExporting] = useState(false);
  const { request, lastQuery, estimated } = useProTableRequest<Line, LineQuery>((args) => listLines(campaignId, args));
  const initialValues = useMemo(() => {
    const values: Record<string, string | number> = {};
    for (const key of URL_FILTERS) {
      const v = params.get(key);
      if (v) values[key] = key === 'batch_id' ? Number(v) : v;
    }
    return values;
  }, [params]);
  const categoryEnum = Object.fromEntries((campaign.data?.data.categories ?? []).map((c) => [c.code, { text: c.name }]));
  const codeEnum = Object.fromEntries(codes.list('check_codes').map((c) => [c.code, { text: c.label }]));

  const columns: ProColumns<Line>[] = [
    { title: t('roster.lines.q'), dataIndex: 'q', hideInTable: true },
    { title: t('roster.lines.name'), dataIndex: 'name', hideInSearch: true, width: 90, fixed: 'left' },
    { title: t('roster.lines.idNumber'), dataIndex: 'id_number_masked', hideInSearch: true, width: 180 },
    {
      title: t('roster.lines.checkStatus'),
      dataIndex: 'check_status',
      valueType: 'select',
      valueEnum: codes.valueEnum('check_statuses'),
      width: 100,
      render: (_, r) => <Tag color={CHECK_STATUS_COLOR[r.check_status] ?? 'default'}>{r.check_status_label}</Tag>,
    },
    {
      title: t('roster.lines.checkCode'),
      dataIndex: 'check_code',
      valueType: 'select',
      valueEnum: codeEnum,
      fieldProps: { showSearch: true },
      hideInTable: true,
    },
    {
      title: t('roster.lines.checkReason'),
      dataIndex: 'check_reason',
      hideInSearch: true,
      width: 300,
      render: (_, r) =>
        r.check_reason ? (
          <Tooltip title={r.check_code_label}>
            <Typography.Text type={r.check_status === 'ok' ? undefined : 'danger'}>{r.check_reason}</Typography.Text>
          </Tooltip>
        ) : (
          '—'
        ),
    },
    {
      title: t('roster.lines.township'),
      dataIndex: 'township_org_id',
      width: 130,
      renderFormItem: () => <OrgTreeSelect selectableTypes={['township']} />,
      render: (_, r) => r.township_name ?? '—',
    },
    {
      title: t('roster.lines.org'),
      dataIndex: 'org_id',
      width: 200,
      ellipsis: true,
      renderFormItem: () => <OrgTreeSelect />,
      render: (_, r) => r.org_name,
    },
    { title: t('roster.lines.row'), dataIndex: 'row_no', hideInSearch: true, width: 60 },
    {
      title: t('roster.lines.batch'),
      dataIndex: 'batch_id',
      valueType: 'digit',
      width: 70,
      render: (_, r) => <Link to={`${paths.condolenceBatches}/${r.batch_id}`}>#{r.batch_id}</Link>,
    },
    {
      title: t('roster.lines.category'),
      dataIndex: 'category_code',
      valueType: 'select',
      valueEnum: categoryEnum,
      width: 100,
      render: (_, r) => r.category_name ?? r.category_code ?? '—',
    },
    { title: t('roster.lines.cash'), dataIndex: 'cash_fen', hideInSearch: true, align: 'right', width: 90, render: (_, r) => yuan(r.cash_fen) },
    { title: t('roster.lines.goods'), dataIndex: 'goods_fen', hideInSearch: true, align: 'right', width: 90, render: (_, r) => yuan(r.goods_fen) },
    { title: t('roster.lines.card'), dataIndex: 'bank_card_masked', hideInSearch: true, width: 170 },
    { title: t('roster.lines.mobile'), dataIndex: 'mobile_masked', hideInSearch: true, width: 110 },
    { title: t('roster.lines.workUnit'), dataIndex: 'work_unit', hideInSearch: true, width: 180, ellipsis: true },
    {
      title: t('roster.lines.review'),
      dataIndex: 'review_status',
      valueType: 'select',
      valueEnum: codes.valueEnum('review_statuses'),
      width: 110,
      render: (_, r) => r.review_status_label,
    },
  ];

  return (
    <ProTable<Line, LineQuery>
      rowKey="id"
      actionRef={actionRef}
      columns={columns}
      request={request}
      form={{ initialValues, syncToUrl: false }}
      search={{ labelWidth: 'auto', defaultCollapsed: false }}
      pagination={{ defaultPageSize: 20, showSizeChanger: true, pageSizeOptions: [20, 50, 100], showTotal: showTotal(t, estimated) }}
      scroll={{ x: 2000 }}
      columnsState={{ defaultValue: { mobile_masked: { show: false }, work_unit: { show: false }, goods_fen: { show: false } } }}
      options={{ reload: true, density: true, setting: true }}
      toolBarRender={() => [
        <Button
          key="export"
          icon={<DownloadOutlined />}
          loading={exporting}
          data-testid="roster-export"
          onClick={async () => {
            setExporting(true);
            try {
              const result = await exportLines(campaignId, lastQuery());
              void message.success(t('roster.lines.exported', { rows: result.rows ?? 0 }));
            } catch (error) {
              void message.error(isApiError(error) ? error.message : String(error));
            } finally {
              setExporting(false);
            }
          }}
        >
          {t('roster.lines.export')}
        </Button>,
      ]}
    />
  );
}

export default function LineListPage() {
  const t = useT(rosterMessages);
  const { campaignId } = useCampaignParam();
  const [params] = useSearchParams();
  return (
    <PageContainer title={t('roster.lines.title')} content={t('roster.lines.subtitle')} extra={<CampaignPicker value={campaignId} />}>
      {campaignId ? <LineTable key={`${campaignId}-${params.toString()}`} campaignId={campaignId} /> : null}
    </PageContainer>
  );
}
