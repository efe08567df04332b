// 工会干部: cadres by org and post, filters and search, create/edit/delete, Excel export and the
// official cadre register form.
import { useRef, useState } from 'react';
import { PlusOutlined } from '@ant-design/icons';
import { type ActionType, PageContainer, type ProColumns, ProTable } from '@ant-design/pro-components';
import { App, Button, Popconfirm, Tag } from 'antd';
import { useSearchParams } from 'react-router';
import { OrgTreeSelect } from '@/components/org-tree-select';
import { Access, useAccess } from '@/lib/access';
import { getWithEtag } from '@/lib/api-client';
import type { ExportColumn } from '@/lib/excel-export';
import { showTotal, useProTableRequest } from '@/lib/pro-table';
import { useT } from '@/locales';
import { listCadres, useDeleteCadre } from '../api/cadres';
import { orgsMessages } from '../locales';
import type { Cadre, CadreQuery } from '../types';
import { CadreFormModal } from '../components/cadre-form';
import { useCodes } from '../components/codes';
import { ExportButton } from '../components/export-button';
import { RegisterFormButton } from '../components/register-form-button';

export default function CadreListPage() {
  const t = useT(orgsMessages);
  const { message } = App.useApp();
  const codes = useCodes();
  const access = useAccess();
  const [params] = useSearchParams();
  const initialUnder = params.get('under') ? Number(params.get('under')) : undefined;
  const actionRef = useRef<ActionType>(undefined);
  const [under, setUnder] = useState<number | undefined>(initialUnder);
  const [editing, setEditing] = useState<{ id?: number } | null>(null);
  const remove = useDeleteCadre();
  const canWrite = access.can('cadres.write');

  const { request, lastQuery, estimated } = useProTableRequest<Cadre, CadreQuery>((args) => listCadres(args), {
    transform: (filters) => ({
      ...filters,
      full_time: filters.full_time === undefined ? undefined : filters.full_time === 'true',
      is_current: filters.is_current === undefined ? undefined : filters.is_current === 'true',
    }),
    onQuery: (query) => {
      setUnder(typeof query.under === 'number' ? query.under : undefined);
    },
  });

  const yesNo = { true: { text: t('common.yes') }, false: { text: t('common.no') } };

  const columns: ProColumns<Cadre>[] = [
    { title: t('orgs.search.keyword'), dataIndex: 'q', hideInTable: true, fieldProps: { placeholder: t('orgs.cadres.qPlaceholder') } },
    {
      title: t('orgs.members.orgFilter'),
      dataIndex: 'under',
      hideInTable: true,
      renderFormItem: () => <OrgTreeSelect />,
    },
    { title: t('orgs.cadres.name'), dataIndex: 'name', hideInSearch: true, width: 90 },
    { title: t('orgs.members.gender'), dataIndex: 'gender', hideInSearch: true, width: 60, render: (_, r) => codes.label('genders', r.gender) || '-' },
    { title: t('orgs.cadres.org'), dataIndex: 'org_name', hideInSearch: true, ellipsis: true, width: 220 },
    {
      title: t('orgs.cadres.post'),
      dataIndex: 'post',
      valueType: 'select',
      valueEnum: codes.valueEnum('cadre_posts'),
      width: 110,
    },
    {
      title: t('orgs.cadres.fullTime'),
      dataIndex: 'full_time',
      valueType: 'select',
      valueEnum: yesNo,
      width: 70,
      render: (_, r) => (r.full_time ? <Tag color="blue">{t('orgs.cadres.fullTimeTag')}</Tag> : t('orgs.cadres.partTimeTag')),
    },
    { title: t('orgs.cadres.termStart'), dataIndex: 'term_start', key: 'term_start', valueType: 'date', hideInSearch: true, width: 110 },
    { title: t('orgs.cadres.termEnd'), dataIndex: 'term_end', valueType: 'date', hideInSearch: true, width: 110 },
    { title: t('orgs.members.mobile'), dataIndex: 'mobile', hideInSearch: true, width: 120 },
    {
      title: t('orgs.cadres.isCurrent'),
      dataIndex: 'is_current',
      valueType: 'select',
      valueEnum: yesNo,
      initialValue: 'true',
      width: 70,
      render: (_, r) => (r.is_current ? <Tag color="success">{t('orgs.cadres.current')}</Tag> : <Tag>{t('orgs.cadres.former')}</Tag>),
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
          title={t('orgs.cadres.deleteConfirm', { name: row.name })}
          okButtonProps={{ danger: true }}
          onConfirm={async () => {
            const { etag } = await getWithEtag<Cadre>(`/cadres/${row.id}`);
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

  const exportColumns: ExportColumn<Cadre>[] = [
    { title: t('orgs.cadres.name'), value: (r) => r.name, width: 10 },
    { title: t('orgs.members.gender'), value: (r) => codes.label('genders', r.gender), width: 6 },
    { title: t('orgs.cadres.org'), value: (r) => r.org_name, width: 32 },
    { title: t('orgs.cadres.post'), value: (r) => codes.label('cadre_posts', r.post), width: 14 },
    { title: t('orgs.cadres.fullTime'), value: (r) => (r.full_time ? t('orgs.cadres.fullTimeTag') : t('orgs.cadres.partTimeTag')), width: 8 },
    { title: t('orgs.cadres.termStart'), value: (r) => r.term_start, width: 12 },
    { title: t('orgs.cadres.termEnd'), value: (r) => r.term_end, width: 12 },
    { title: t('orgs.members.mobile'), value: (r) => r.mobile, width: 14 },
    { title: t('orgs.field.officePhone'), value: (r) => r.office_phone, width: 14 },
    { title: t('orgs.cadres.isCurrent'), value: (r) => (r.is_current ? t('orgs.cadres.current') : t('orgs.cadres.former')), width: 8 },
    { title: t('orgs.cadres.duties'), value: (r) => r.duties, width: 30 },
  ];

  return (
    <PageContainer title={t('orgs.cadres.title')} content={t('orgs.cadres.subtitle')}>
      <ProTable<Cadre, CadreQuery>
        rowKey="id"
        actionRef={actionRef}
        columns={columns}
        request={request}
        form={{ initialValues: initialUnder ? { under: initialUnder } : undefined }}
        search={{ labelWidth: 'auto', defaultCollapsed: true }}
        pagination={{ defaultPageSize: 20, showSizeChanger: true, pageSizeOptions: [20, 50, 100], showTotal: showTotal(t, estimated) }}
        scroll={{ x: 960 }}
        columnsState={{ defaultValue: { term_start: { show: false } } }}
        dateFormatter="string"
        options={{ reload: true, density: true, setting: true }}
        toolBarRender={() => [
          <Access key="create" can="cadres.write">
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({})}>
              {t('orgs.cadres.create')}
            </Button>
          </Access>,
          <ExportButton<Cadre, Partial<CadreQuery>>
            key="export"
            name={t('orgs.cadres.exportName')}
            getQuery={lastQuery}
            fetchPage={(query) => listCadres(query)}
            columns={exportColumns}
          />,
          <RegisterFormButton key="form" form="cadre-register" params={{ org_id: under }} />,
        ]}
      />
      {editing ? (
        <CadreFormModal
          editId={editing.id}
          defaultOrgId={editing.id === undefined ? under : undefined}
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
