// 走访慰问: visiting groups (leader, departments, date and time, meeting point), households assigned by
// township, the 安排表 of each group, and visit records (cash and goods given) with photo and signed
// receipt as evidence.
import { useState } from 'react';
import {
  ModalForm,
  PageContainer,
  type ProColumns,
  ProFormCheckbox,
  ProFormDatePicker,
  ProFormDigit,
  ProFormSelect,
  ProFormText,
  ProFormTextArea,
  ProFormTimePicker,
  ProTable,
} from '@ant-design/pro-components';
import { App, Button, Card, Drawer, Form, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import { OrgTreeSelect } from '@/components/org-tree-select';
import { RecordPanel } from '@/components/record-panels';
import { Access, useAccess } from '@/lib/access';
import { reportFormError } from '@/lib/form-errors';
import { showTotal, useProTableRequest } from '@/lib/pro-table';
import { useT } from '@/locales';
import {
  listGroupLines,
  listVisits,
  useAssign,
  useCreateGroup,
  useCreateVisit,
  useDeleteGroup,
  useDeleteVisit,
  useUnassign,
  useUpdateGroup,
  useVisitGroups,
} from '../api/workflow';
import { explain } from '../components/workflow-errors';
import { ExportLink } from '../components/export-link';
import { CampaignPicker } from '../components/workflow-campaign';
import { useCampaignParam } from '../components/use-workflow-campaign';
import { formatYuan, yuanToFen } from '../components/workflow-money';
import { StatusTag } from '../components/workflow-status-tag';
import { scoped } from '../components/workflow-table';
import { workflowMessages } from '../workflow-locales';
import type { Visit, VisitGroup, VisitGroupCreate, WorkflowLine } from '../workflow-types';

interface GroupValues { name: string; leader: string; departments?: string[]; visit_date: string; visit_time?: string; meeting_time?: string; meeting_point?: string; contact?: string; remark?: string }

export default function VisitGroupsPage() {
  const t = useT(workflowMessages);
  const { message, modal } = App.useApp();
  const { campaignId } = useCampaignParam();
  const groups = useVisitGroups(campaignId);
  const [editing, setEditing] = useState<VisitGroup | 'new' | null>(null);
  const [assigning, setAssigning] = useState<VisitGroup | null>(null);
  const [viewing, setViewing] = useState<VisitGroup | null>(null);
  const [evidenceOf, setEvidenceOf] = useState<Visit | null>(null);
  const [form] = Form.useForm<GroupValues>();
  const createGroup = useCreateGroup();
  const updateGroup = useUpdateGroup();
  const deleteGroup = useDeleteGroup();
  const assign = useAssign();
  const deleteVisit = useDeleteVisit();
  const visits = useProTableRequest<Visit>(scoped(listVisits));

  const columns: ColumnsType<VisitGroup> = [
    { title: t('cw.visit.group'), dataIndex: 'name', width: 70, render: (v: string, g) => <a onClick={() => setViewing(g)} data-testid="group-name">{v}</a> },
    { title: t('cw.visit.leader'), dataIndex: 'leader', width: 130, ellipsis: true },
    { title: t('cw.visit.departments'), dataIndex: 'departments', ellipsis: true, render: (v: string[]) => v.join('、') },
    { title: t('cw.visit.when'), width: 130, render: (_, g) => `${g.visit_date} ${g.visit_time ? g.visit_time.slice(0, 5) : ''}` },
    { title: t('cw.visit.meeting'), width: 150, ellipsis: true, render: (_, g) => `${g.meeting_time ? g.meeting_time.slice(0, 5) : ''} ${g.meeting_point ?? ''}` },
    { title: t('cw.visit.households'), dataIndex: 'households', width: 56, align: 'right' },
    { title: t('cw.visit.visited'), dataIndex: 'visited', width: 60, align: 'right' },
    { title: t('cw.field.cash'), dataIndex: 'cash_fen', width: 96, align: 'right', render: (v: number) => formatYuan(v) },
    {
      title: t('cw.field.actions'), width: 220, fixed: 'right',
      render: (_, g) => (
        <Access can="condolence.manage">
          <Space size={8}>
            <a onClick={() => setAssigning(g)} data-testid="group-assign">{t('cw.visit.assign')}</a>
            <ExportLink kind="arrangement" subjectId={g.id} label={t('cw.visit.arrangement')} testId="group-arrangement" />
            <a onClick={() => { setEditing(g); form.setFieldsValue({ ...g, visit_time: g.visit_time ?? undefined, meeting_time: g.meeting_time ?? undefined,
              meeting_point: g.meeting_point ?? undefined, contact: g.contact ?? undefined, remark: g.remark ?? undefined }); }}>{t('cw.action.edit')}</a>
            <Popconfirm title={t('cw.visit.deleteConfirm')} onConfirm={() => void deleteGroup.mutateAsync({ id: g.id }).catch((e: unknown) => message.error(explain(e)))}>
              <a>{t('cw.action.delete')}</a>
            </Popconfirm>
          </Space>
        </Access>
      ),
    },
  ];

  const visitColumns: ProColumns<Visit>[] = [
    { title: t('cw.visit.household'), dataIndex: 'line_name', width: 90 },
    { title: t('cw.visit.visitedOn'), dataIndex: 'visited_on', width: 100 },
    { title: t('cw.visit.cashGiven'), dataIndex: 'cash_fen', width: 100, align: 'right', render: (_, v) => formatYuan(v.cash_fen) },
    { title: t('cw.visit.goods'), dataIndex: 'goods_desc', ellipsis: true },
    { title: t('cw.visit.goodsValue'), dataIndex: 'goods_fen', width: 100, align: 'right', render: (_, v) => formatYuan(v.goods_fen) },
    { title: t('cw.visit.recorder'), dataIndex: 'recorder_name', width: 100 },
    {
      title: t('cw.field.actions'), valueType: 'option', width: 150,
      render: (_, v) => [
        <a key="e" onClick={() => setEvidenceOf(v)} data-testid="visit-evidence">{t('cw.visit.evidence')}</a>,
        <Access key="d" can="condolence.manage">
          <Popconfirm title={t('cw.visit.withdrawConfirm')} onConfirm={() => void deleteVisit.mutateAsync({ id: v.id }).catch((e: unknown) => message.error(explain(e)))}>
            <a>{t('cw.action.delete')}</a>
          </Popconfirm>
        </Access>,
      ],
    },
  ];

  return (
    <PageContainer title={t('cw.visit.title')} content={t('cw.visit.subtitle')} extra={<CampaignPicker />}>
      <Card size="small" title={t('cw.visit.groups')} style={{ marginBottom: 12 }}
        extra={<Access can="condolence.manage"><Button type="primary" disabled={!campaignId} onClick={() => { form.resetFields(); setEditing('new'); }} data-testid="group-create">{t('cw.visit.newGroup')}</Button></Access>}>
        <Table<VisitGroup> rowKey="id" size="middle" loading={groups.isLoading} dataSource={groups.data?.items ?? []} columns={columns}
          pagination={false} scroll={{ x: 1040 }} data-testid="group-table" />
      </Card>
      <Card size="small" title={t('cw.visit.records')}>
        <ProTable<Visit> rowKey="id" size="small" columns={visitColumns} params={{ scopeId: campaignId }} request={visits.request} search={false}
          pagination={{ defaultPageSize: 20, showTotal: showTotal(t, false) }} options={{ reload: true }} data-testid="visit-table" />
      </Card>

      <ModalForm<GroupValues>
        form={form}
        title={editing === 'new' ? t('cw.visit.newGroup') : t('cw.action.edit')}
        open={editing !== null}
        width={620}
        grid
        rowProps={{ gutter: 12 }}
        modalProps={{ destroyOnHidden: false, onCancel: () => setEditing(null) }}
        onFinish={async (v) => {
          const body: VisitGroupCreate = { ...v, departments: v.departments ?? [], visit_time: v.visit_time || null, meeting_time: v.meeting_time || null,
            meeting_point: v.meeting_point || null, contact: v.contact || null, remark: v.remark || null };
          try {
            if (editing === 'new') await createGroup.mutateAsync({ campaignId: campaignId ?? 0, body });
            else if (editing) await updateGroup.mutateAsync({ id: editing.id, body });
            message.success(t('cw.saved'));
            setEditing(null);
            return true;
          } catch (error) {
            if (!reportFormError(form, error, (text) => message.error(text))) modal.error({ title: t('cw.saveFailed'), content: explain(error) });
            return false;
          }
        }}
      >
        <ProFormText name="name" label={t('cw.visit.group')} placeholder="第一组" rules={[{ required: true, whitespace: true }]} colProps={{ span: 8 }} />
        <ProFormText name="leader" label={t('cw.visit.leader')} placeholder={t('cw.visit.leaderHint')} rules={[{ required: true, whitespace: true }]} colProps={{ span: 16 }} />
        <ProFormSelect name="departments" label={t('cw.visit.departments')} mode="tags" colProps={{ span: 24 }}
          options={['县总工会', '县人社局', '县发改委', '县民政局', '县财政局'].map((d) => ({ value: d, label: d }))} />
        <ProFormDatePicker name="visit_date" label={t('cw.visit.date')} rules={[{ required: true }]} colProps={{ span: 8 }} fieldProps={{ format: 'YYYY-MM-DD' }} />
        <ProFormTimePicker name="visit_time" label={t('cw.visit.time')} colProps={{ span: 8 }} fieldProps={{ format: 'HH:mm' }} />
        <ProFormTimePicker name="meeting_time" label={t('cw.visit.meetingTime')} colProps={{ span: 8 }} fieldProps={{ format: 'HH:mm' }} />
        <ProFormText name="meeting_point" label={t('cw.visit.meetingPoint')} colProps={{ span: 14 }} />
        <ProFormText name="contact" label={t('cw.visit.contact')} colProps={{ span: 10 }} />
        <ProFormTextArea name="remark" label={t('cw.notice.remark')} colProps={{ span: 24 }} fieldProps={{ maxLength: 500 }} />
      </ModalForm>

      <ModalForm<{ org_id: number; move?: boolean }>
        title={t('cw.visit.assignTo', { name: assigning?.name ?? '' })}
        open={!!assigning}
        width={480}
        modalProps={{ destroyOnHidden: true, onCancel: () => setAssigning(null) }}
        onFinish={async (v) => {
          if (!assigning) return false;
          try {
            const r = await assign.mutateAsync({ groupId: assigning.id, body: { org_id: v.org_id, move: !!v.move } });
            message.success(r.message);
            setAssigning(null);
            return true;
          } catch (error) {
            message.error(explain(error));
            return false;
          }
        }}
      >
        <Typography.Paragraph type="secondary">{t('cw.visit.assignHint')}</Typography.Paragraph>
        <Form.Item name="org_id" label={t('cw.visit.area')} rules={[{ required: true }]}><OrgTreeSelect data-testid="assign-org" /></Form.Item>
        <ProFormCheckbox name="move">{t('cw.visit.move')}</ProFormCheckbox>
      </ModalForm>

      <GroupDrawer group={viewing} campaignId={campaignId} onClose={() => setViewing(null)} />
      <Drawer open={!!evidenceOf} onClose={() => setEvidenceOf(null)} width={720} title={t('cw.visit.evidenceOf', { name: evidenceOf?.line_name ?? '' })} destroyOnHidden>
        {evidenceOf ? (
          <>
            <Typography.Paragraph type="secondary">{t('cw.visit.evidenceHint')}</Typography.Paragraph>
            <RecordPanel name="evidence" subjectType="condolence_visit" subjectId={evidenceOf.id} subjectName={evidenceOf.line_name ?? ''} writePermission="condolence.review" />
          </>
        ) : null}
      </Drawer>
    </PageContainer>
  );
}

function GroupDrawer({ group, campaignId, onClose }: { group: VisitGroup | null; campaignId: number | undefined; onClose: () => void }) {
  const t = useT(workflowMessages);
  const { message, modal } = App.useApp();
  const access = useAccess();
  const [recording, setRecording] = useState<WorkflowLine | null>(null);
  const unassign = useUnassign();
  const createVisit = useCreateVisit();
  const lines = useProTableRequest<WorkflowLine>(scoped(listGroupLines));
  const columns: ProColumns<WorkflowLine>[] = [
    { title: t('cw.field.name'), dataIndex: 'name', width: 80 },
    { title: t('cw.field.org'), dataIndex: 'org_name', ellipsis: true },
    { title: t('cw.field.category'), dataIndex: 'category_name', width: 86 },
    { title: t('cw.field.cash'), dataIndex: 'cash_fen', width: 86, align: 'right', render: (_, r) => formatYuan(r.cash_fen) },
    { title: t('cw.pay.status'), dataIndex: 'payment_status', width: 110, render: (_, r) => <StatusTag kind="payment" value={r.payment_status} label={r.payment_status_label} /> },
    {
      title: t('cw.field.actions'), valueType: 'option', width: 140,
      render: (_, r) => [
        (access.can('condolence.review') || access.can('condolence.manage')) ? <a key="v" onClick={() => setRecording(r)} data-testid="record-visit">{t('cw.visit.record')}</a> : null,
        access.can('condolence.manage') ? (
          <Popconfirm key="u" title={t('cw.visit.unassignConfirm')} onConfirm={() => group && void unassign.mutateAsync({ groupId: group.id, lineIds: [r.id] }).then((x) => message.success(x.message))}>
            <a>{t('cw.visit.unassign')}</a>
          </Popconfirm>
        ) : null,
      ],
    },
  ];
  return (
    <Drawer open={!!group} onClose={onClose} width={900} title={group ? `${group.name} · ${group.leader}` : ''} destroyOnHidden data-testid="group-drawer">
      {group ? (
        <>
          <Space wrap size={12} style={{ marginBottom: 12 }}>
            <Tag>{group.visit_date} {group.visit_time?.slice(0, 5)}</Tag>
            <Typography.Text>{t('cw.visit.meeting')}：{group.meeting_time?.slice(0, 5)} {group.meeting_point}</Typography.Text>
            <Typography.Text>{t('cw.visit.departments')}：{group.departments.join('、')}</Typography.Text>
          </Space>
          <ProTable<WorkflowLine> rowKey="id" size="small" columns={columns} params={{ scopeId: group.id }} request={lines.request} search={false} options={{ reload: true }}
            pagination={{ defaultPageSize: 20, showTotal: showTotal(t, false) }} />
        </>
      ) : null}
      <ModalForm<{ visited_on: string; cash?: number; goods_desc?: string; goods?: number; notes?: string }>
        title={t('cw.visit.recordFor', { name: recording?.name ?? '' })}
        open={!!recording}
        width={520}
        modalProps={{ destroyOnHidden: true, onCancel: () => setRecording(null) }}
        initialValues={{ visited_on: dayjs().format('YYYY-MM-DD'), cash: 0, goods: recording ? recording.goods_fen / 100 : 0 }}
        onFinish={async (v) => {
          if (!recording || !campaignId) return false;
          try {
            await createVisit.mutateAsync({ campaignId, body: { line_id: recording.id, group_id: group?.id ?? null, visited_on: v.visited_on,
              cash_fen: yuanToFen(v.cash) ?? 0, goods_desc: v.goods_desc || null, goods_fen: yuanToFen(v.goods) ?? 0, notes: v.notes || null } });
            message.success(t('cw.visit.recorded'));
            setRecording(null);
            return true;
          } catch (error) {
            modal.error({ title: t('cw.saveFailed'), content: explain(error) });
            return false;
          }
        }}
      >
        <ProFormDatePicker name="visited_on" label={t('cw.visit.visitedOn')} rules={[{ required: true }]} fieldProps={{ format: 'YYYY-MM-DD' }} />
        <ProFormDigit name="cash" label={t('cw.visit.cashGivenYuan')} min={0} fieldProps={{ precision: 2 }} extra={t('cw.visit.cashHint', { v: formatYuan(recording?.cash_fen ?? 0) })} />
        <ProFormText name="goods_desc" label={t('cw.visit.goods')} placeholder={t('cw.visit.goodsHint')} />
        <ProFormDigit name="goods" label={t('cw.visit.goodsValueYuan')} min={0} fieldProps={{ precision: 2 }} />
        <ProFormTextArea name="notes" label={t('cw.visit.notes')} fieldProps={{ maxLength: 2000 }} />
      </ModalForm>
    </Drawer>
  );
}
