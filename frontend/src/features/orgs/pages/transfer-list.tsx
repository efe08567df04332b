// 接转记录: organisational-relation transfers into or out of the user's part of the county.
import { useState } from 'react';
import { PageContainer, type ProColumns, ProTable } from '@ant-design/pro-components';
import { Link } from 'react-router';
import { OrgTreeSelect } from '@/components/org-tree-select';
import type { ExportColumn } from '@/lib/excel-export';
import { showTotal, useProTableRequest } from '@/lib/pro-table';
import { useT } from '@/locales';
import { listTransfers } from '../api/members';
import { orgsMessages } from '../locales';
import type { MemberTransfer, TransferQuery } from '../types';
import { ExportButton } from '../components/export-button';
import { RegisterFormButton } from '../components/register-form-button';

export default function TransferListPage() {
  const t = useT(orgsMessages);
  const [formParams, setFormParams] = useState<{ org_id?: number; date_from?: string; date_to?: string }>({});

  const { request, lastQuery, estimated } = useProTableRequest<MemberTransfer, TransferQuery>((args) => listTransfers(args), {
    onQuery: (query) => {
      setFormParams({ org_id: query.under, date_from: query.date_from, date_to: query.date_to });
    },
  });

  const columns: ProColumns<MemberTransfer>[] = [
    {
      title: t('orgs.members.orgFilter'),
      dataIndex: 'under',
      hideInTable: true,
      renderFormItem: () => <OrgTreeSelect />,
    },
    {
      title: t('orgs.transfer.date'),
      dataIndex: 'period',
      valueType: 'dateRange',
      hideInTable: true,
      search: { transform: (value: [string?, string?]) => ({ date_from: value?.[0], date_to: value?.[1] }) },
    },
    { title: t('orgs.transfer.date'), dataIndex: 'transfer_date', valueType: 'date', hideInSearch: true, width: 110 },
    {
      title: t('orgs.members.name'),
      dataIndex: 'member_name',
      hideInSearch: true,
      width: 100,
      render: (_, row) => <Link to={`/orgs/members/${row.member_id}`}>{row.member_name}</Link>,
    },
    { title: t('orgs.transfer.fromOrg'), dataIndex: 'from_org_name', hideInSearch: true, ellipsis: true },
    { title: t('orgs.transfer.toOrg'), dataIndex: 'to_org_name', hideInSearch: true, ellipsis: true },
    { title: t('orgs.transfer.reason'), dataIndex: 'reason', hideInSearch: true, ellipsis: true },
    { title: t('orgs.transfer.recordedAt'), dataIndex: 'created_at', valueType: 'dateTime', hideInSearch: true, width: 170 },
  ];

  const exportColumns: ExportColumn<MemberTransfer>[] = [
    { title: t('orgs.transfer.date'), value: (r) => r.transfer_date, width: 12 },
    { title: t('orgs.members.name'), value: (r) => r.member_name, width: 10 },
    { title: t('orgs.transfer.fromOrg'), value: (r) => r.from_org_name, width: 32 },
    { title: t('orgs.transfer.toOrg'), value: (r) => r.to_org_name, width: 32 },
    { title: t('orgs.transfer.reason'), value: (r) => r.reason, width: 30 },
  ];

  return (
    <PageContainer title={t('orgs.transfers.title')} content={t('orgs.transfers.subtitle')}>
      <ProTable<MemberTransfer, TransferQuery>
        rowKey="id"
        columns={columns}
        request={request}
        search={{ labelWidth: 'auto' }}
        pagination={{ defaultPageSize: 20, showSizeChanger: true, pageSizeOptions: [20, 50, 100], showTotal: showTotal(t, estimated) }}
        dateFormatter="string"
        options={{ reload: true, density: true, setting: true }}
        toolBarRender={() => [
          <ExportButton<MemberTransfer, Partial<TransferQuery>>
            key="export"
            name={t('orgs.transfers.exportName')}
            getQuery={lastQuery}
            fetchPage={(query) => listTransfers(query)}
            columns={exportColumns}
          />,
          <RegisterFormButton key="form" form="transfer-register" params={formParams} />,
        ]}
      />
    </PageContainer>
  );
}
