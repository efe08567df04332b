// 待复核: filed households whose review is overdue or due soon, in the user's part of the county,
// most urgent first, with the counts (also the badge on the file list) and the unions with the most.
import { useRef, useState } from 'react';
import { type ActionType, PageContainer, type ProColumns, ProTable } from '@ant-design/pro-components';
import { Card, Col, Drawer, List, Row, Statistic, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { OrgTreeSelect } from '@/components/org-tree-select';
import { showTotal, useProTableRequest } from '@/lib/pro-table';
import { useT } from '@/locales';
import { listReviewsDue, useReviewsDueSummary } from '../api/reports';
import { useHardshipCodes } from '../components/codes';
import { HouseholdDetail } from '../components/household-detail';
import { hardshipMessages } from '../locales';
import type { Household, ReviewsDueQuery } from '../types';

export default function ReviewsDuePage() {
  const t = useT(hardshipMessages);
  const codes = useHardshipCodes();
  const actionRef = useRef<ActionType>(undefined);
  const [viewing, setViewing] = useState<number | null>(null);
  const summary = useReviewsDueSummary();
  const { request, estimated } = useProTableRequest<Household, ReviewsDueQuery>((args) => listReviewsDue(args), {
    transform: (filters) => ({ ...filters, overdue_only: filters.overdue_only ? true : undefined }) as Partial<ReviewsDueQuery>,
  });
  const today = dayjs().startOf('day');
  const s = summary.data;

  const columns: ProColumns<Household>[] = [
    { title: t('hardship.list.orgFilter'), dataIndex: 'under', hideInTable: true, renderFormItem: () => <OrgTreeSelect /> },
    { title: t('hardship.todo.overdue'), dataIndex: 'overdue_only', valueType: 'switch', hideInTable: true },
    {
      title: t('hardship.field.headName'),
      dataIndex: 'head_name',
      hideInSearch: true,
      width: 120,
      render: (_, row) => (
        <span>
          <a onClick={() => setViewing(row.id)} data-testid="todo-name">
            {row.head_name}
          </a>
          {row.exit_recommended ? (
            <Tag color="purple" style={{ marginInlineStart: 4 }}>
              {t('hardship.todo.exitRecommended')}
            </Tag>
          ) : null}
        </span>
      ),
    },
    { title: t('hardship.field.fileNo'), dataIndex: 'file_no', hideInSearch: true, width: 124 },
    { title: t('hardship.field.org'), dataIndex: 'org_name', hideInSearch: true, ellipsis: true, width: 170 },
    { title: t('hardship.field.category'), dataIndex: 'category', hideInSearch: true, width: 96, ellipsis: true, render: (_, r) => codes.label('categories', r.category) },
    { title: t('hardship.field.lastReview'), dataIndex: 'last_review_on', hideInSearch: true, width: 100, render: (_, r) => r.last_review_on ?? r.filed_on ?? '-' },
    {
      title: t('hardship.field.nextReview'),
      dataIndex: 'next_review_due',
      hideInSearch: true,
      width: 190,
      render: (_, r) => {
        const days = dayjs(r.next_review_due).diff(today, 'day');
        return (
          <span>
            {r.next_review_due}{' '}
            {days < 0 ? (
              <Tag color="error">{t('hardship.todo.daysOverdue', { n: -days })}</Tag>
            ) : (
              <Tag color="warning">{t('hardship.todo.daysLeft', { n: days })}</Tag>
            )}
          </span>
        );
      },
    },
    { title: t('hardship.field.reminded'), dataIndex: 'review_reminded_on', key: 'reminded', hideInSearch: true, width: 100 },
  ];

  return (
    <PageContainer title={t('hardship.todo.title')} content={t('hardship.todo.subtitle', { days: s?.reminder_days ?? 30 })}>
      <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('hardship.todo.overdue')} value={s?.overdue ?? '-'} valueStyle={{ color: '#c8102e' }} data-testid="todo-overdue" />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('hardship.todo.dueSoon')} value={s?.due_soon ?? '-'} valueStyle={{ color: '#d48806' }} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('hardship.todo.total')} value={s?.total ?? '-'} data-testid="todo-total" />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t('hardship.todo.exitRecommended')} value={s?.exit_recommended ?? '-'} valueStyle={{ color: '#722ed1' }} />
          </Card>
        </Col>
      </Row>
      <Row gutter={[12, 12]}>
        <Col xs={24} xxl={18}>
          <ProTable<Household, ReviewsDueQuery>
            rowKey="id"
            actionRef={actionRef}
            columns={columns}
            request={request}
            search={{ labelWidth: 'auto' }}
            pagination={{ defaultPageSize: 20, showSizeChanger: true, pageSizeOptions: [20, 50, 100], showTotal: showTotal(t, estimated) }}
            scroll={{ x: 900 }}
            columnsState={{ defaultValue: { reminded: { show: false } } }}
            options={{ reload: true, density: false, setting: true }}
            locale={{ emptyText: t('hardship.todo.empty') }}
            data-testid="todo-table"
          />
        </Col>
        <Col xs={24} xxl={6}>
          <Card size="small" title={t('hardship.todo.byOrg')}>
            <List
              size="small"
              dataSource={s?.by_org ?? []}
              locale={{ emptyText: t('hardship.todo.empty') }}
              renderItem={(o) => (
                <List.Item>
                  <Typography.Text ellipsis style={{ maxWidth: 170 }} title={o.org_name}>
                    {o.org_name}
                  </Typography.Text>
                  <span>
                    {o.overdue ? <Tag color="error">{o.overdue}</Tag> : null}
                    {o.due_soon ? <Tag color="warning">{o.due_soon}</Tag> : null}
                  </span>
                </List.Item>
              )}
            />
          </Card>
        </Col>
      </Row>
      <Drawer open={viewing !== null} width={980} title={t('hardship.todo.title')} onClose={() => setViewing(null)} destroyOnHidden>
        {viewing !== null ? (
          <HouseholdDetail
            householdId={viewing}
            showOpenLink
            onChanged={() => {
              actionRef.current?.reload();
              void summary.refetch();
            }}
          />
        ) : null}
      </Drawer>
    </PageContainer>
  );
}
