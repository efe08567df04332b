// 困难职工档案: the file with filters (category, cause, status, review overdue, township/union,
// search by name / last 4 ID digits / file number), server-side paging, a detail drawer, the
// application form and an Excel export of the filtered view.
import { useRef, useState } from 'react';
import { PlusOutlined, ScheduleOutlined } from '@ant-design/icons';
import { type ActionType, PageContainer, type ProColumns, ProTable } from '@ant-design/pro-components';
import { Badge, Button, Drawer, Space, Tag } from 'antd';
import { useNavigate, useSearchParams } from 'react-router';
import { OrgTreeSelect } from '@/components/org-tree-select';
import { paths } from '@/config/paths';
import { Access } from '@/lib/access';
import type { ExportColumn } from '@/lib/excel-export';
import { showTotal, useProTableRequest } from '@/lib/pro-table';
import { useT } from '@/locales';
import { HOUSEHOLD_SORT_FIELDS, listHouseholds } from '../api/households';
import { useReviewsDueSummary } from '../api/reports';
import { useHardshipCodes } from '../components/codes';
import { ExportButton } from '../components/export-button';
import { HouseholdDetail } from '../components/household-detail';
import { HouseholdFormModal } from '../components/household-form';
import { formatYuan } from '../components/money';
import { ReviewTags, StatusTag } from '../components/status-tag';
import { hardshipMessages } from '../locales';
import type { Household, HouseholdQuery } from '../types';

export default function HouseholdListPage() {
  const t = useT(hardshipMessages);
  const codes = useHardshipCodes();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const actionRef = useRef<ActionType>(undefined);
  const [viewing, setViewing] = useState<number | null>(null);
  const [creating, setCreating] = useState(false);
  const summary = useReviewsDueSummary();
  const initial: Record<string, unknown> = {};
  for (const key of ['status', 'category', 'cause', 'review_overdue', 'under']) {
    const value = params.get(key);
    if (value !== null) initial[key] = key === 'under' ? Number(value) : key === 'review_overdue' ? value === 'true' : value;
  }

  const { request, lastQuery, estimated } = useProTableRequest<Household, HouseholdQuery>((args) => listHouseholds(args), {
    sortFields: HOUSEHOLD_SORT_FIELDS,
    transform: (filters) => ({ ...filters, review_overdue: filters.review_overdue ? true : undefined }) as Partial<HouseholdQuery>,
  });

  const columns: ProColumns<Household>[] = [
    { title: t('hardship.list.keyword'), dataIndex: 'q', hideInTable: true, fieldProps: { placeholder: t('hardship.list.qPlaceholder') } },
    {
      title: t('hardship.list.orgFilter'),
      dataIndex: 'under',
      hideInTable: true,
      renderFormItem: () => <OrgTreeSelect data-testid="household-filter-org" />,
    },
    {
      title: t('hardship.field.headName'),
      dataIndex: 'head_name',
      sorter: true,
      hideInSearch: true,
      width: 84,
      fixed: 'left',
      render: (_, row) => (
        <a onClick={() => setViewing(row.id)} data-testid="household-name">
          {row.head_name}
        </a>
      ),
    },
    { title: t('hardship.field.fileNo'), dataIndex: 'file_no', key: 'file_no', sorter: true, hideInSearch: true, width: 118 },
    { title: t('hardship.field.idNumber'), dataIndex: 'head_id_masked', key: 'head_id_masked', hideInSearch: true, width: 160 },
    { title: t('hardship.field.township'), dataIndex: 'township_name', hideInSearch: true, ellipsis: true, width: 110 },
    { title: t('hardship.field.org'), dataIndex: 'org_name', key: 'org_name', hideInSearch: true, ellipsis: true, width: 170 },
    {
      title: t('hardship.field.category'),
      dataIndex: 'category',
      valueType: 'select',
      valueEnum: codes.valueEnum('categories'),
      width: 96,
      ellipsis: true,
    },
    {
      title: t('hardship.field.cause'),
      dataIndex: 'cause',
      valueType: 'select',
      valueEnum: codes.valueEnum('causes'),
      hideInTable: true,
    },
    {
      title: t('hardship.field.causes'),
      dataIndex: 'causes',
      hideInSearch: true,
      width: 136,
      render: (_, row) => (
        <Space size={2} wrap>
          {row.causes.map((c) => (
            <Tag key={c} style={{ marginInlineEnd: 0 }}>
              {codes.short('causes', c)}
            </Tag>
          ))}
        </Space>
      ),
    },
    { title: t('hardship.field.size'), dataIndex: 'household_size', hideInSearch: true, width: 56, align: 'right' },
    {
      title: t('hardship.field.perCapita'),
      dataIndex: 'per_capita_income_fen',
      sorter: true,
      hideInSearch: true,
      width: 92,
      align: 'right',
      render: (_, row) => formatYuan(row.per_capita_income_fen),
    },
    {
      title: t('hardship.field.rule'),
      dataIndex: 'rule_code',
      key: 'rule_code',
      valueType: 'select',
      valueEnum: codes.valueEnum('rules'),
      hideInSearch: true,
      width: 76,
      render: (_, row) => (row.rule_code ? codes.label('rules', row.rule_code).split('：')[0] : t('hardship.rule.none')),
    },
    {
      title: t('hardship.field.status'),
      dataIndex: 'status',
      valueType: 'select',
      valueEnum: codes.valueEnum('statuses'),
      width: 128,
      render: (_, row) => (
        <Space size={2} wrap>
          <StatusTag status={row.status} />
          <ReviewTags household={row} />
        </Space>
      ),
    },
    { title: t('hardship.field.filedOn'), dataIndex: 'filed_on', key: 'filed_on', sorter: true, hideInSearch: true, width: 100 },
    { title: t('hardship.field.nextReview'), dataIndex: 'next_review_due', sorter: true, hideInSearch: true, width: 104 },
    {
      title: t('hardship.list.overdueOnly'),
      dataIndex: 'review_overdue',
      valueType: 'switch',
      hideInTable: true,
    },
  ];

  const exportColumns: ExportColumn<Household>[] = [
    { title: t('hardship.field.fileNo'), value: (r) => r.file_no, width: 16 },
    { title: t('hardship.field.headName'), value: (r) => r.head_name, width: 10 },
    { title: t('hardship.field.idNumber'), value: (r) => r.head_id_masked, width: 22 },
    { title: t('hardship.field.gender'), value: (r) => codes.label('genders', r.head_gender), width: 6 },
    { title: t('hardship.field.mobile'), value: (r) => r.mobile, width: 14 },
    { title: t('hardship.field.township'), value: (r) => r.township_name, width: 18 },
    { title: t('hardship.field.org'), value: (r) => r.org_name, width: 30 },
    { title: t('hardship.field.employer'), value: (r) => r.employer_name, width: 26 },
    { title: t('hardship.field.category'), value: (r) => codes.label('categories', r.category), width: 12 },
    { title: t('hardship.field.causes'), value: (r) => r.causes.map((c) => codes.label('causes', c)).join('、'), width: 24 },
    { title: t('hardship.field.size'), value: (r) => r.household_size, width: 8 },
    { title: t('hardship.field.income'), value: (r) => formatYuan(r.household_income_fen), width: 14 },
    { title: t('hardship.field.perCapita'), value: (r) => formatYuan(r.per_capita_income_fen), width: 12 },
    { title: t('hardship.field.rule'), value: (r) => (r.rule_code ? codes.label('rules', r.rule_code) : t('hardship.rule.none')), width: 30 },
    { title: t('hardship.field.status'), value: (r) => codes.label('statuses', r.status), width: 10 },
    { title: t('hardship.field.filedOn'), value: (r) => r.filed_on, width: 12 },
    { title: t('hardship.field.nextReview'), value: (r) => r.next_review_due, width: 12 },
    { title: t('hardship.field.exitedOn'), value: (r) => r.exited_on, width: 12 },
    { title: t('hardship.field.exitReason'), value: (r) => codes.label('exit_reasons', r.exit_reason), width: 16 },
    { title: t('hardship.field.bankCard'), value: (r) => r.bank_card_masked, width: 22 },
  ];

  const due = summary.data?.total ?? 0;

  return (
    <PageContainer title={t('hardship.list.title')} content={t('hardship.list.subtitle')}>
      <ProTable<Household, HouseholdQuery>
        rowKey="id"
        actionRef={actionRef}
        columns={columns}
        request={request}
        form={{ initialValues: initial }}
        search={{ labelWidth: 'auto', defaultCollapsed: false, span: 6 }}
        pagination={{ defaultPageSize: 20, showSizeChanger: true, pageSizeOptions: [20, 50, 100], showTotal: showTotal(t, estimated) }}
        scroll={{ x: 1000 }}
        columnsState={{ defaultValue: { head_id_masked: { show: false }, org_name: { show: false }, filed_on: { show: false } } }}
        dateFormatter="string"
        options={{ reload: true, density: true, setting: true }}
        data-testid="household-table"
        toolBarRender={() => [
          <Badge key="todo" count={due} overflowCount={999} size="small">
            <Button icon={<ScheduleOutlined />} onClick={() => navigate(paths.hardshipReviews)} data-testid="todo-button">
              {t('hardship.todo.title')}
            </Button>
          </Badge>,
          <Access key="create" can="hardship.write">
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="household-create">
              {t('hardship.list.apply')}
            </Button>
          </Access>,
          <ExportButton<Household, Partial<HouseholdQuery>>
            key="export"
            name={t('hardship.list.exportName')}
            getQuery={lastQuery}
            fetchPage={(query) => listHouseholds(query)}
            columns={exportColumns}
            maxRows={10000}
          />,
        ]}
      />
      <Drawer
        open={viewing !== null}
        width={980}
        title={t('hardship.list.title')}
        onClose={() => setViewing(null)}
        destroyOnHidden
      >
        {viewing !== null ? <HouseholdDetail householdId={viewing} showOpenLink onChanged={() => actionRef.current?.reload()} /> : null}
      </Drawer>
      {creating ? (
        <HouseholdFormModal
          onClose={() => setCreating(false)}
          onDone={(h) => {
            setCreating(false);
            actionRef.current?.reload();
            setViewing(h.id);
          }}
        />
      ) : null}
    </PageContainer>
  );
}
