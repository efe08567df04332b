// 单位: employers in the user's part of the county, with filters, sort, search, create/edit/delete
// and an Excel export of the filtered list.
import { useRef, useState } from 'react';
import { CloudUploadOutlined, PlusOutlined } from '@ant-design/icons';
import { type ActionType, PageContainer, type ProColumns, ProTable } from '@ant-design/pro-components';
import { App, Button, Popconfirm, Tag } from 'antd';
import { Link } from 'react-router';
import { OrgTreeSelect } from '@/components/org-tree-select';
import { paths } from '@/config/paths';
import { Access, useAccess } from '@/lib/access';
import { getWithEtag } from '@/lib/api-client';
import type { ExportColumn } from '@/lib/excel-export';
import { showTotal, useProTableRequest } from '@/lib/pro-table';
import { useT } from '@/locales';
import { EMPLOYER_SORT_FIELDS, listEmployers, useDeleteEmployer } from '../api/employers';
import { orgsMessages } from '../locales';
import type { Employer, EmployerQuery } from '../types';
import { useCodes } from '../components/codes';
import { EmployerFormModal } from '../components/employer-form';
import { ExportButton } from '../components/export-button';

const UNION_STATUS_COLOR: Record<string, string> = { founded: 'success', covered_by_joint: 'processing', not_founded: 'default' };

export default function EmployerListPage() {
  const t = useT(orgsMessages);
  const { message } = App.useApp();
  const codes = useCodes();
  const access = useAccess();
  const actionRef = useRef<ActionType>(undefined);
  const [editing, setEditing] = useState<{ id?: number } | null>(null);
  const remove = useDeleteEmployer();
  const canWrite = access.can('employers.write');

  const { request, lastQuery, estimated } = useProTableRequest<Employer, EmployerQuery>((args) => listEmployers(args), {
    sortFields: EMPLOYER_SORT_FIELDS,
  });

  const columns: ProColumns<Employer>[] = [
    {
      title: t('orgs.search.keyword'),
      dataIndex: 'q',
      hideInTable: true,
      fieldProps: { placeholder: t('orgs.employers.qPlaceholder') },
    },
    { title: t('orgs.employers.name'), dataIndex: 'name', sorter: true, hideInSearch: true, ellipsis: true, width: 200 },
    { title: t('orgs.employers.creditCode'), dataIndex: 'credit_code', hideInSearch: true, copyable: true, width: 190 },
    {
      title: t('orgs.employers.ownership'),
      dataIndex: 'ownership_type',
      valueType: 'select',
      valueEnum: codes.valueEnum('ownership_types'),
      width: 110,
    },
    { title: t('orgs.employers.sector'), dataIndex: 'sector', width: 100, ellipsis: true },
    {
      title: t('orgs.employers.staffCount'),
      dataIndex: 'staff_count',
      sorter: true,
      hideInSearch: true,
      align: 'right',
      width: 100,
    },
    {
      title: t('orgs.employers.staffRange'),
      dataIndex: 'staff_range',
      valueType: 'digitRange',
      hideInTable: true,
      search: { transform: (value: [number?, number?]) => ({ min_staff: value?.[0], max_staff: value?.[1] }) },
    },
    { title: t('orgs.employers.migrantCount'), dataIndex: 'migrant_count', hideInSearch: true, align: 'right', width: 90 },
    {
      title: t('orgs.employers.unionStatus'),
      dataIndex: 'union_status',
      valueType: 'select',
      valueEnum: codes.valueEnum('union_statuses'),
      width: 120,
      render: (_, row) => <Tag color={UNION_STATUS_COLOR[row.union_status] ?? 'default'}>{codes.label('union_statuses', row.union_status)}</Tag>,
    },
    {
      title: t('orgs.employers.township'),
      dataIndex: 'township_org_id',
      hideInTable: true,
      renderFormItem: () => <OrgTreeSelect />,
    },
    {
      title: t('orgs.employers.coveringOrg'),
      dataIndex: 'covering_org_id',
      hideInTable: true,
      renderFormItem: () => <OrgTreeSelect />,
    },
    { title: t('orgs.employers.legalRep'), dataIndex: 'legal_representative', key: 'legal_representative', hideInSearch: true, width: 100 },
    {
      title: t('orgs.field.createdAt'),
      dataIndex: 'created_at',
      key: 'created_at',
      valueType: 'date',
      sorter: true,
      hideInSearch: true,
      width: 110,
    },
    {
      title: t('common.actions'),
      valueType: 'option',
      width: 110,
      fixed: 'right',
      hideInTable: !canWrite,
      render: (_, row) => [
        <a key="edit" onClick={() => setEditing({ id: row.id })}>
          {t('common.edit')}
        </a>,
        <Popconfirm
          key="delete"
          title={t('orgs.employers.deleteConfirm', { name: row.name })}
          okButtonProps={{ danger: true }}
          onConfirm={async () => {
            const { etag } = await getWithEtag<Employer>(`/employers/${row.id}`);
            await remove.mutateAsync({ id: row.id, etag });
            void message.success(t('common.deleted'));
            actionRef.current?.reload();
          }}
        >
          <a>{t('common.delete')}</a>
        </Popconfirm>,
      ],
    },
  ];

  const exportColumns: ExportColumn<Employer>[] = [
    { title: t('orgs.employers.name'), value: (r) => r.name, width: 36 },
    { title: t('orgs.employers.creditCode'), value: (r) => r.credit_code, width: 24 },
    { title: t('orgs.employers.ownership'), value: (r) => codes.label('ownership_types', r.ownership_type), width: 16 },
    { title: t('orgs.employers.sector'), value: (r) => r.sector, width: 14 },
    { title: t('orgs.employers.staffCount'), value: (r) => r.staff_count, width: 10 },
    { title: t('orgs.employers.womenCount'), value: (r) => r.women_count, width: 10 },
    { title: t('orgs.employers.migrantCount'), value: (r) => r.migrant_count, width: 10 },
    { title: t('orgs.employers.unionStatus'), value: (r) => codes.label('union_statuses', r.union_status), width: 14 },
    { title: t('orgs.employers.legalRep'), value: (r) => r.legal_representative, width: 12 },
    { title: t('orgs.employers.phone'), value: (r) => r.contact_phone, width: 16 },
    { title: t('orgs.employers.address'), value: (r) => r.address, width: 36 },
  ];

  return (
    <PageContainer title={t('orgs.employers.title')} content={t('orgs.employers.subtitle')}>
      <ProTable<Employer, EmployerQuery>
        rowKey="id"
        actionRef={actionRef}
        columns={columns}
        request={request}
        search={{ labelWidth: 'auto', defaultCollapsed: true }}
        pagination={{ defaultPageSize: 20, showSizeChanger: true, pageSizeOptions: [20, 50, 100], showTotal: showTotal(t, estimated) }}
        scroll={{ x: 1020 }}
        columnsState={{ defaultValue: { legal_representative: { show: false }, created_at: { show: false } } }}
        dateFormatter="string"
        options={{ reload: true, density: true, setting: true }}
        toolBarRender={() => [
          <Access key="create" can="employers.write">
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({})}>
              {t('orgs.employers.create')}
            </Button>
          </Access>,
          <Access key="import" can="employers.write">
            <Link to={`${paths.importNew}?kind=employers`}>
              <Button icon={<CloudUploadOutlined />} data-testid="employer-import">
                {t('common.import')}
              </Button>
            </Link>
          </Access>,
          <ExportButton<Employer, Partial<EmployerQuery>>
            key="export"
            name={t('orgs.employers.exportName')}
            getQuery={lastQuery}
            fetchPage={(query) => listEmployers(query)}
            columns={exportColumns}
          />,
        ]}
      />
      {editing ? (
        <EmployerFormModal
          editId={editing.id}
          onClose={() => setEditing(null)}
          onDone={() => {
            setEditing(null);
            actionRef.current?.reload();
          }}
        />
      ) : null}
    </PageContainer>
  );
}
