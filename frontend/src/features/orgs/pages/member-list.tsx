// 会员: the member register with filters, sort, search, a detail drawer (transfer history,
// 办理接转, reveal), create/edit, Excel export of the filtered list and the official register form.
import { useRef, useState } from 'react';
import { CloudUploadOutlined, PlusOutlined } from '@ant-design/icons';
import { type ActionType, PageContainer, type ProColumns, ProTable } from '@ant-design/pro-components';
import { Button, Drawer, Tag } from 'antd';
import { Link, useSearchParams } from 'react-router';
import { paths } from '@/config/paths';
import { OrgTreeSelect } from '@/components/org-tree-select';
import { Access } from '@/lib/access';
import type { ExportColumn } from '@/lib/excel-export';
import { showTotal, useProTableRequest } from '@/lib/pro-table';
import { useT } from '@/locales';
import { listMembers, MEMBER_SORT_FIELDS } from '../api/members';
import { orgsMessages } from '../locales';
import type { Member, MemberQuery } from '../types';
import { useCodes } from '../components/codes';
import { ExportButton } from '../components/export-button';
import { MemberDetail } from '../components/member-detail';
import { MemberFormModal } from '../components/member-form';
import { RegisterFormButton } from '../components/register-form-button';

const STATUS_COLOR: Record<string, string> = { active: 'success', transferred_out: 'warning', lapsed: 'default' };

export default function MemberListPage() {
  const t = useT(orgsMessages);
  const codes = useCodes();
  const [params] = useSearchParams();
  const initialUnder = params.get('under') ? Number(params.get('under')) : undefined;
  const actionRef = useRef<ActionType>(undefined);
  const [under, setUnder] = useState<number | undefined>(initialUnder);
  const [viewing, setViewing] = useState<number | null>(null);
  const [editing, setEditing] = useState<{ id?: number } | null>(null);

  const { request, lastQuery, estimated } = useProTableRequest<Member, MemberQuery>((args) => listMembers(args), {
    sortFields: MEMBER_SORT_FIELDS,
    onQuery: (query) => {
      setUnder(typeof query.under === 'number' ? query.under : undefined);
    },
  });

  const columns: ProColumns<Member>[] = [
    {
      title: t('orgs.search.keyword'),
      dataIndex: 'q',
      hideInTable: true,
      fieldProps: { placeholder: t('orgs.members.qPlaceholder') },
    },
    {
      title: t('orgs.members.orgFilter'),
      dataIndex: 'under',
      hideInTable: true,
      renderFormItem: () => <OrgTreeSelect data-testid="member-filter-org" />,
    },
    {
      title: t('orgs.members.name'),
      dataIndex: 'name',
      sorter: true,
      hideInSearch: true,
      width: 90,
      fixed: 'left',
      render: (_, row) => (
        <a onClick={() => setViewing(row.id)} data-testid="member-name">
          {row.name}
        </a>
      ),
    },
    { title: t('orgs.members.idNumber'), dataIndex: 'id_number_masked', hideInSearch: true, width: 160 },
    {
      title: t('orgs.members.gender'),
      dataIndex: 'gender',
      valueType: 'select',
      valueEnum: codes.valueEnum('genders'),
      width: 76,
    },
    { title: t('orgs.members.birthDate'), dataIndex: 'birth_date', key: 'birth_date', valueType: 'date', sorter: true, hideInSearch: true, width: 110 },
    { title: t('orgs.members.mobile'), dataIndex: 'mobile', hideInSearch: true, width: 116 },
    { title: t('orgs.members.org'), dataIndex: 'org_name', hideInSearch: true, ellipsis: true, width: 180 },
    { title: t('orgs.members.employer'), dataIndex: 'employer_name', key: 'employer_name', hideInSearch: true, ellipsis: true, width: 180 },
    {
      title: t('orgs.members.joinDate'),
      dataIndex: 'join_date',
      valueType: 'date',
      sorter: true,
      hideInSearch: true,
      width: 110,
    },
    {
      title: t('orgs.members.joinDate'),
      dataIndex: 'joined',
      valueType: 'dateRange',
      hideInTable: true,
      search: { transform: (value: [string?, string?]) => ({ joined_from: value?.[0], joined_to: value?.[1] }) },
    },
    {
      title: t('orgs.members.employmentType'),
      dataIndex: 'employment_type',
      valueType: 'select',
      valueEnum: codes.valueEnum('employment_types'),
      width: 90,
    },
    {
      title: t('orgs.members.cardStatus'),
      dataIndex: 'member_card_status',
      key: 'member_card_status',
      valueType: 'select',
      valueEnum: codes.valueEnum('member_card_statuses'),
      width: 90,
    },
    {
      title: t('orgs.members.status'),
      dataIndex: 'status',
      valueType: 'select',
      valueEnum: codes.valueEnum('member_statuses'),
      width: 80,
      render: (_, row) => <Tag color={STATUS_COLOR[row.status] ?? 'default'}>{codes.label('member_statuses', row.status)}</Tag>,
    },
    {
      title: t('common.actions'),
      valueType: 'option',
      width: 110,
      fixed: 'right',
      render: (_, row) => [
        <a key="view" onClick={() => setViewing(row.id)}>
          {t('common.view')}
        </a>,
        <Access key="edit" can="members.write">
          <a onClick={() => setEditing({ id: row.id })}>{t('common.edit')}</a>
        </Access>,
      ],
    },
  ];

  const exportColumns: ExportColumn<Member>[] = [
    { title: t('orgs.members.name'), value: (r) => r.name, width: 10 },
    { title: t('orgs.members.idNumber'), value: (r) => r.id_number_masked, width: 22 },
    { title: t('orgs.members.gender'), value: (r) => codes.label('genders', r.gender), width: 6 },
    { title: t('orgs.members.birthDate'), value: (r) => r.birth_date, width: 12 },
    { title: t('orgs.members.mobile'), value: (r) => r.mobile, width: 14 },
    { title: t('orgs.members.org'), value: (r) => r.org_name, width: 32 },
    { title: t('orgs.members.employer'), value: (r) => r.employer_name, width: 28 },
    { title: t('orgs.members.joinDate'), value: (r) => r.join_date, width: 12 },
    { title: t('orgs.members.employmentType'), value: (r) => codes.label('employment_types', r.employment_type), width: 10 },
    { title: t('orgs.members.cardStatus'), value: (r) => codes.label('member_card_statuses', r.member_card_status), width: 10 },
    { title: t('orgs.members.cardNumber'), value: (r) => r.member_card_number, width: 16 },
    { title: t('orgs.members.status'), value: (r) => codes.label('member_statuses', r.status), width: 8 },
  ];

  return (
    <PageContainer title={t('orgs.members.title')} content={t('orgs.members.subtitle')}>
      <ProTable<Member, MemberQuery>
        rowKey="id"
        actionRef={actionRef}
        columns={columns}
        request={request}
        form={{ initialValues: initialUnder ? { under: initialUnder } : undefined }}
        search={{ labelWidth: 'auto', defaultCollapsed: true }}
        pagination={{ defaultPageSize: 20, showSizeChanger: true, pageSizeOptions: [20, 50, 100], showTotal: showTotal(t, estimated) }}
        scroll={{ x: 1010 }}
        columnsState={{ defaultValue: { birth_date: { show: false }, employer_name: { show: false }, member_card_status: { show: false } } }}
        dateFormatter="string"
        options={{ reload: true, density: true, setting: true }}
        data-testid="member-table"
        toolBarRender={() => [
          <Access key="create" can="members.write">
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({})} data-testid="member-create">
              {t('orgs.members.create')}
            </Button>
          </Access>,
          <Access key="import" can="members.write">
            <Link to={`${paths.importNew}?kind=members${under ? `&org_id=${under}` : ''}`}>
              <Button icon={<CloudUploadOutlined />} data-testid="member-import">
                {t('common.import')}
              </Button>
            </Link>
          </Access>,
          <ExportButton<Member, Partial<MemberQuery>>
            key="export"
            name={t('orgs.members.exportName')}
            getQuery={lastQuery}
            fetchPage={(query) => listMembers(query)}
            columns={exportColumns}
          />,
          <RegisterFormButton key="form" form="member-register" params={{ org_id: under }} />,
        ]}
      />
      <Drawer
        open={viewing !== null}
        width={760}
        title={t('orgs.members.detailTitle')}
        onClose={() => setViewing(null)}
        destroyOnHidden
      >
        {viewing !== null ? <MemberDetail memberId={viewing} showOpenLink onChanged={() => actionRef.current?.reload()} /> : null}
      </Drawer>
      {editing ? (
        <MemberFormModal
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
