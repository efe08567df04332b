// 帮扶记录: every relief payment in the user's part of the county, filtered by kind, date and area,
// with an Excel export of the filtered view.
import { PageContainer, type ProColumns, ProTable } from '@ant-design/pro-components';
import { Link } from 'react-router';
import { OrgTreeSelect } from '@/components/org-tree-select';
import { paths } from '@/config/paths';
import type { ExportColumn } from '@/lib/excel-export';
import { showTotal, useProTableRequest } from '@/lib/pro-table';
import { useT } from '@/locales';
import { listReliefs } from '../api/households';
import { useHardshipCodes } from '../components/codes';
import { ExportButton } from '../components/export-button';
import { formatYuan } from '../components/money';
import { hardshipMessages } from '../locales';
import type { Relief, ReliefQuery } from '../types';

export default function ReliefListPage() {
  const t = useT(hardshipMessages);
  const codes = useHardshipCodes();
  const { request, lastQuery, estimated } = useProTableRequest<Relief, ReliefQuery>((args) => listReliefs(args));
  const columns: ProColumns<Relief>[] = [
    { title: t('hardship.list.orgFilter'), dataIndex: 'under', hideInTable: true, renderFormItem: () => <OrgTreeSelect /> },
    {
      title: t('hardship.relief.paidRange'),
      dataIndex: 'paid',
      valueType: 'dateRange',
      hideInTable: true,
      search: { transform: (value: [string?, string?]) => ({ paid_from: value?.[0], paid_to: value?.[1] }) },
    },
    { title: t('hardship.relief.paidOn'), dataIndex: 'paid_on', hideInSearch: true, width: 110 },
    {
      title: t('hardship.relief.household'),
      dataIndex: 'head_name',
      hideInSearch: true,
      width: 100,
      render: (_, r) => <Link to={`${paths.hardshipHouseholds}/${r.household_id}`}>{r.head_name}</Link>,
    },
    { title: t('hardship.field.fileNo'), dataIndex: 'file_no', hideInSearch: true, width: 130 },
    { title: t('hardship.field.org'), dataIndex: 'org_name', hideInSearch: true, ellipsis: true, width: 200 },
    { title: t('hardship.relief.kind'), dataIndex: 'kind', valueType: 'select', valueEnum: codes.valueEnum('relief_kinds'), width: 130 },
    { title: t('hardship.relief.amount'), dataIndex: 'amount_fen', hideInSearch: true, align: 'right', width: 110, render: (_, r) => formatYuan(r.amount_fen) },
    { title: t('hardship.relief.method'), dataIndex: 'payment_method', valueType: 'select', valueEnum: codes.valueEnum('payment_methods'), width: 100 },
    { title: t('hardship.relief.student'), dataIndex: 'beneficiary_name', hideInSearch: true, width: 100 },
    { title: t('hardship.relief.note'), dataIndex: 'note', hideInSearch: true, ellipsis: true },
  ];
  const exportColumns: ExportColumn<Relief>[] = [
    { title: t('hardship.relief.paidOn'), value: (r) => r.paid_on, width: 12 },
    { title: t('hardship.field.fileNo'), value: (r) => r.file_no, width: 16 },
    { title: t('hardship.relief.household'), value: (r) => r.head_name, width: 10 },
    { title: t('hardship.field.org'), value: (r) => r.org_name, width: 30 },
    { title: t('hardship.relief.kind'), value: (r) => codes.label('relief_kinds', r.kind), width: 14 },
    { title: t('hardship.relief.amount'), value: (r) => r.amount_fen / 100, width: 12 },
    { title: t('hardship.relief.goodsValue'), value: (r) => r.goods_value_fen / 100, width: 12 },
    { title: t('hardship.relief.method'), value: (r) => codes.label('payment_methods', r.payment_method), width: 10 },
    { title: t('hardship.relief.student'), value: (r) => r.beneficiary_name, width: 10 },
    { title: t('hardship.relief.note'), value: (r) => r.note ?? r.goods_description, width: 24 },
  ];
  return (
    <PageContainer title={t('hardship.relief.listTitle')} content={t('hardship.relief.listSubtitle')}>
      <ProTable<Relief, ReliefQuery>
        rowKey="id"
        columns={columns}
        request={request}
        search={{ labelWidth: 'auto' }}
        pagination={{ defaultPageSize: 20, showSizeChanger: true, pageSizeOptions: [20, 50, 100], showTotal: showTotal(t, estimated) }}
        scroll={{ x: 1100 }}
        dateFormatter="string"
        data-testid="relief-table"
        toolBarRender={() => [
          <ExportButton<Relief, Partial<ReliefQuery>>
            key="export"
            name={t('hardship.relief.exportName')}
            getQuery={lastQuery}
            fetchPage={(query) => listReliefs(query)}
            columns={exportColumns}
            maxRows={10000}
          />,
        ]}
      />
    </PageContainer>
  );
}
