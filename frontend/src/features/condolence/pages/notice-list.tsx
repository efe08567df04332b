// 公示: notices of the frozen roster — create (subtree, window, place), edit or withdraw a draft, post it,
// download the notice as posted (xlsx / PDF, names and ID numbers masked), the noticed lines, objections
// received in the window and their findings, and the photo of the posted notice (evidence).
import { useCallback, useState } from 'react';
import {
  ModalForm,
  PageContainer,
  type ProColumns,
  ProFormDatePicker,
  ProFormDateRangePicker,
  ProFormRadio,
  ProFormText,
  ProFormTextArea,
  ProTable,
} from '@ant-design/pro-components';
import { App, Button, Card, Drawer, Form, Popconfirm, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { OrgTreeSelect } from '@/components/org-tree-select';
import type { Job } from '@/lib/jobs';
import { RecordPanel } from '@/components/record-panels';
import { Access, useAccess } from '@/lib/access';
import { reportFormError } from '@/lib/form-errors';
import { showTotal, useProTableRequest } from '@/lib/pro-table';
import { useT } from '@/locales';
import {
  listNoticeLines,
  listObjections,
  useCreateNotice,
  useCreateObjection,
  useDecideObjection,
  useDeleteNotice,
  useNotices,
  usePostNotice,
  workflowKeys,
} from '../api/workflow';
import { explain } from '../components/workflow-errors';
import { ExportLink } from '../components/export-link';
import { PreparingTag } from '../components/preparing-tag';
import { useJobFollower } from '../components/use-job-follower';
import { CampaignPicker } from '../components/workflow-campaign';
import { useCampaignParam } from '../components/use-workflow-campaign';
import { formatYuan } from '../components/workflow-money';
import { StatusTag } from '../components/workflow-status-tag';
import { scoped } from '../components/workflow-table';
import { workflowMessages } from '../workflow-locales';
import type { Notice, NoticeLine, Objection } from '../workflow-types';

interface CreateValues { org_id?: number; title?: string; window: [string, string]; place: string; contact?: string; remark?: string }

export default function NoticeListPage() {
  const t = useT(workflowMessages);
  const { message, modal } = App.useApp();
  const access = useAccess();
  const { campaignId } = useCampaignParam();
  const notices = useNotices(campaignId);
  const [creating, setCreating] = useState(false);
  const [viewing, setViewing] = useState<Notice | null>(null);
  const [posting, setPosting] = useState<Notice | null>(null);
  const [form] = Form.useForm<CreateValues>();
  const create = useCreateNotice();
  const post = usePostNotice();
  const remove = useDeleteNotice();
  const qc = useQueryClient();

  // A notice's job ended: refresh the list and say how it went (its lines are written, or nothing is).
  const prepared = useCallback((job: Job) => {
    void qc.invalidateQueries({ queryKey: workflowKeys.all });
    const lines = (job.result as { lines?: number } | null)?.lines;
    if (job.status === 'succeeded' && typeof lines === 'number') message.success(t('cw.notice.created', { n: lines }));
    else if (job.status !== 'succeeded') message.error(t('cw.notice.prepareFailed', { error: job.error ?? '' }));
  }, [qc, message, t]);
  const follower = useJobFollower(prepared);

  const columns: ColumnsType<Notice> = [
    { title: t('cw.notice.titleCol'), dataIndex: 'title', ellipsis: true, render: (v: string, n) => <a onClick={() => setViewing(n)} data-testid="notice-title">{v}</a> },
    { title: t('cw.notice.scope'), dataIndex: 'org_name', width: 130, ellipsis: true },
    { title: t('cw.notice.window'), width: 190, render: (_, n) => `${n.start_date} ~ ${n.end_date}（${n.days}${t('cw.unit.days')}）` },
    { title: t('cw.notice.place'), dataIndex: 'place', ellipsis: true, width: 150 },
    {
      title: t('cw.notice.state'), dataIndex: 'window_state', width: 120,
      render: (_, n) => n.status === 'preparing' || n.status === 'failed'
        ? <PreparingTag status={n.status} statusLabel={n.status_label} jobId={n.job_id} error={n.error} onDone={follower.finish} testId="notice" />
        : <StatusTag kind="window" value={n.window_state} label={n.window_label} />,
    },
    { title: t('cw.notice.lines'), dataIndex: 'line_count', width: 70, align: 'right' },
    {
      title: t('cw.notice.objections'), width: 110,
      render: (_, n) => (
        <Space size={2}>
          {n.objections_pending ? <Tag color="orange">{t('cw.obj.pending')} {n.objections_pending}</Tag> : null}
          {n.objections_upheld ? <Tag color="red">{t('cw.obj.upheld')} {n.objections_upheld}</Tag> : null}
          {!n.objections_pending && !n.objections_upheld ? <Typography.Text type="secondary">{n.objections_dismissed ? `${t('cw.obj.dismissed')} ${n.objections_dismissed}` : '-'}</Typography.Text> : null}
        </Space>
      ),
    },
    {
      title: t('cw.field.actions'), width: 230,
      render: (_, n) => (
        <Space size={8} wrap>
          {n.status === 'draft' || n.status === 'posted' ? (
            <>
              <ExportLink kind="notice" subjectId={n.id} format="xlsx" label="Excel" testId="notice-xlsx" />
              <ExportLink kind="notice" subjectId={n.id} format="pdf" label="PDF" testId="notice-pdf" />
            </>
          ) : null}
          {(n.status === 'draft' || n.status === 'failed') && access.can('condolence.manage') ? (
            <>
              {n.status === 'draft' ? <a onClick={() => setPosting(n)} data-testid="notice-post">{t('cw.notice.post')}</a> : null}
              <Popconfirm title={t('cw.notice.deleteConfirm')} onConfirm={() => void remove.mutateAsync({ id: n.id }).catch((e: unknown) => message.error(explain(e)))}>
                <a>{t('cw.notice.withdraw')}</a>
              </Popconfirm>
            </>
          ) : null}
          <a onClick={() => setViewing(n)}>{t('cw.action.detail')}</a>
        </Space>
      ),
    },
  ];

  return (
    <PageContainer title={t('cw.notice.title')} content={t('cw.notice.subtitle')} extra={<CampaignPicker />}>
      <Card
        size="small"
        extra={
          <Access can="condolence.manage">
            <Button type="primary" onClick={() => setCreating(true)} disabled={!campaignId} data-testid="notice-create">{t('cw.notice.create')}</Button>
          </Access>
        }
        title={t('cw.notice.list')}
      >
        <Table<Notice> rowKey="id" size="middle" loading={notices.isLoading} dataSource={notices.data?.items ?? []} columns={columns}
          pagination={false} scroll={{ x: 1150 }} data-testid="notice-table" />
      </Card>
      <ModalForm<CreateValues>
        form={form}
        title={t('cw.notice.create')}
        open={creating}
        width={560}
        modalProps={{ destroyOnHidden: true, onCancel: () => setCreating(false) }}
        initialValues={{ window: [dayjs().format('YYYY-MM-DD'), dayjs().add(6, 'day').format('YYYY-MM-DD')] }}
        onFinish={async (v) => {
          try {
            const n = await create.mutateAsync({ campaignId: campaignId ?? 0, body: {
              org_id: v.org_id, title: v.title || undefined, start_date: v.window[0], end_date: v.window[1], place: v.place,
              contact: v.contact || null, remark: v.remark || null,
            } });
            message.info(n.status === 'preparing' ? t('cw.notice.preparing') : t('cw.notice.created', { n: n.line_count }));
            if (n.status === 'preparing' && n.job_id) follower.follow(n.job_id);
            setCreating(false);
            return true;
          } catch (error) {
            if (!reportFormError(form, error, (text) => message.error(text), { knownFields: ['org_id', 'title', 'place', 'contact', 'remark'] })) {
              modal.error({ title: t('cw.notice.createFailed'), content: explain(error) });
            }
            return false;
          }
        }}
      >
        <Form.Item name="org_id" label={t('cw.notice.scope')} tooltip={t('cw.notice.scopeHint')}><OrgTreeSelect /></Form.Item>
        <ProFormText name="title" label={t('cw.notice.titleCol')} placeholder={t('cw.notice.titleHint')} fieldProps={{ maxLength: 200 }} />
        <ProFormDateRangePicker name="window" label={t('cw.notice.window')} rules={[{ required: true }]} fieldProps={{ format: 'YYYY-MM-DD' }} />
        <ProFormText name="place" label={t('cw.notice.place')} rules={[{ required: true, whitespace: true }]} placeholder={t('cw.notice.placeHint')}
          fieldProps={{ maxLength: 200, 'data-testid': 'notice-place' } as object} />
        <ProFormText name="contact" label={t('cw.notice.contact')} placeholder={t('cw.notice.contactHint')} fieldProps={{ maxLength: 200 }} />
        <ProFormTextArea name="remark" label={t('cw.notice.remark')} fieldProps={{ maxLength: 500 }} />
      </ModalForm>
      <ModalForm<{ posted_on: string }>
        title={t('cw.notice.post')}
        open={!!posting}
        width={460}
        modalProps={{ destroyOnHidden: true, onCancel: () => setPosting(null) }}
        initialValues={{ posted_on: posting && posting.start_date < dayjs().format('YYYY-MM-DD') ? posting.start_date : dayjs().format('YYYY-MM-DD') }}
        onFinish={async (v) => {
          if (!posting) return false;
          try {
            await post.mutateAsync({ id: posting.id, posted_on: v.posted_on });
            message.success(t('cw.notice.posted'));
            setPosting(null);
            return true;
          } catch (error) {
            modal.error({ title: t('cw.notice.postFailed'), content: explain(error) });
            return false;
          }
        }}
      >
        <Typography.Paragraph>{t('cw.notice.postConfirm')}</Typography.Paragraph>
        <ProFormDatePicker name="posted_on" label={t('cw.notice.postedOn')} rules={[{ required: true }]} fieldProps={{ format: 'YYYY-MM-DD' }}
          extra={t('cw.notice.postedOnHint')} />
      </ModalForm>
      <NoticeDrawer notice={viewing} onClose={() => setViewing(null)} />
    </PageContainer>
  );
}

function NoticeDrawer({ notice, onClose }: { notice: Notice | null; onClose: () => void }) {
  const t = useT(workflowMessages);
  const { message } = App.useApp();
  const access = useAccess();
  const [objecting, setObjecting] = useState<NoticeLine | null>(null);
  const [deciding, setDeciding] = useState<Objection | null>(null);
  const createObjection = useCreateObjection();
  const decideObjection = useDecideObjection();
  const lines = useProTableRequest<NoticeLine>(scoped(listNoticeLines));
  const objections = useProTableRequest<Objection>(scoped(listObjections));
  const canObject = notice?.window_state === 'open' && (access.can('condolence.review') || access.can('condolence.manage'));

  const lineColumns: ProColumns<NoticeLine>[] = [
    { title: t('cw.notice.seq'), dataIndex: 'seq', width: 56, search: false },
    { title: t('cw.notice.publicName'), dataIndex: 'public_name', width: 80, search: false },
    { title: t('cw.field.name'), dataIndex: 'q', hideInTable: true },
    { title: t('cw.field.name'), dataIndex: 'name', width: 80, search: false },
    { title: t('cw.field.idNumber'), dataIndex: 'id_number_masked', width: 160, search: false },
    { title: t('cw.field.org'), dataIndex: 'org_name', ellipsis: true, search: false },
    { title: t('cw.field.category'), dataIndex: 'category_name', width: 86, search: false },
    { title: t('cw.field.cash'), dataIndex: 'cash_fen', width: 80, align: 'right', search: false, render: (_, r) => formatYuan(r.cash_fen) },
    { title: t('cw.notice.objection'), dataIndex: 'objection_upheld', width: 80, search: false, render: (_, r) => r.objection_upheld ? <Tag color="red">{t('cw.obj.upheld')}</Tag> : null },
    {
      title: t('cw.field.actions'), valueType: 'option', width: 90,
      render: (_, r) => canObject ? [<a key="o" onClick={() => setObjecting(r)} data-testid="notice-object">{t('cw.obj.record')}</a>] : [],
    },
  ];
  const objectionColumns: ProColumns<Objection>[] = [
    { title: t('cw.obj.line'), dataIndex: 'line_name', width: 80 },
    { title: t('cw.obj.content'), dataIndex: 'content', ellipsis: true },
    { title: t('cw.obj.receivedOn'), dataIndex: 'received_on', width: 100 },
    { title: t('cw.obj.from'), dataIndex: 'received_from', width: 90 },
    { title: t('cw.obj.outcome'), dataIndex: 'outcome', width: 100, render: (_, o) => <Tag color={o.outcome === 'upheld' ? 'red' : o.outcome === 'dismissed' ? 'green' : 'orange'}>{o.outcome_label}</Tag> },
    { title: t('cw.obj.note'), dataIndex: 'outcome_note', ellipsis: true },
    {
      title: t('cw.field.actions'), valueType: 'option', width: 80,
      render: (_, o) => o.outcome === 'pending' && access.can('condolence.manage') ? [<a key="d" onClick={() => setDeciding(o)} data-testid="objection-decide">{t('cw.obj.decide')}</a>] : [],
    },
  ];

  return (
    <Drawer open={!!notice} onClose={onClose} width={1000} title={notice?.title} destroyOnHidden data-testid="notice-drawer">
      {notice ? (
        <>
          <Space size={16} wrap style={{ marginBottom: 12 }}>
            <StatusTag kind="window" value={notice.window_state} label={notice.window_label} />
            <Typography.Text>{t('cw.notice.window')}：{notice.start_date} ~ {notice.end_date}</Typography.Text>
            <Typography.Text>{t('cw.notice.place')}：{notice.place}</Typography.Text>
            <Typography.Text>{t('cw.notice.totals', { n: notice.line_count, cash: formatYuan(notice.cash_fen), goods: formatYuan(notice.goods_fen) })}</Typography.Text>
          </Space>
          <Tabs items={[
            { key: 'lines', label: t('cw.notice.lineList'), children: (
              <ProTable<NoticeLine> rowKey="id" size="small" columns={lineColumns} params={{ scopeId: notice.id }} request={lines.request} search={{ labelWidth: 'auto', span: 8 }}
                pagination={{ defaultPageSize: 20, showTotal: showTotal(t, false) }} options={false} data-testid="notice-lines" />
            ) },
            { key: 'objections', label: t('cw.notice.objections'), children: (
              <ProTable<Objection> rowKey="id" size="small" columns={objectionColumns} params={{ scopeId: notice.id }} request={objections.request} search={false}
                pagination={{ defaultPageSize: 20 }} options={{ reload: true }} data-testid="notice-objections" />
            ) },
            { key: 'proof', label: t('cw.notice.proof'), children: (
              <>
                <Typography.Paragraph type="secondary">{t('cw.notice.proofHint')}</Typography.Paragraph>
                <RecordPanel name="evidence" subjectType="condolence_notice" subjectId={notice.id} subjectName={notice.title} writePermission="condolence.manage" />
              </>
            ) },
          ]} />
        </>
      ) : null}
      <ModalForm<{ content: string; received_on: string; received_from?: string; contact?: string }>
        title={t('cw.obj.recordFor', { name: objecting?.public_name ?? '' })}
        open={!!objecting}
        width={520}
        modalProps={{ destroyOnHidden: true, onCancel: () => setObjecting(null) }}
        initialValues={{ received_on: dayjs().format('YYYY-MM-DD') }}
        onFinish={async (v) => {
          if (!notice || !objecting) return false;
          try {
            await createObjection.mutateAsync({ noticeId: notice.id, body: { line_id: objecting.id, content: v.content, received_on: v.received_on,
              received_from: v.received_from || null, contact: v.contact || null } });
            message.success(t('cw.obj.recorded'));
            setObjecting(null);
            return true;
          } catch (error) {
            message.error(explain(error));
            return false;
          }
        }}
      >
        <ProFormTextArea name="content" label={t('cw.obj.content')} rules={[{ required: true, whitespace: true }]} fieldProps={{ maxLength: 1000 }} />
        <ProFormDatePicker name="received_on" label={t('cw.obj.receivedOn')} rules={[{ required: true }]} fieldProps={{ format: 'YYYY-MM-DD' }} />
        <ProFormText name="received_from" label={t('cw.obj.from')} placeholder={t('cw.obj.fromHint')} />
        <ProFormText name="contact" label={t('cw.notice.contact')} />
      </ModalForm>
      <ModalForm<{ outcome: 'upheld' | 'dismissed'; outcome_note?: string }>
        title={t('cw.obj.decide')}
        open={!!deciding}
        width={480}
        modalProps={{ destroyOnHidden: true, onCancel: () => setDeciding(null) }}
        onFinish={async (v) => {
          if (!deciding) return false;
          try {
            await decideObjection.mutateAsync({ id: deciding.id, body: { outcome: v.outcome, outcome_note: v.outcome_note || null } });
            message.success(t('cw.obj.decided'));
            setDeciding(null);
            return true;
          } catch (error) {
            message.error(explain(error));
            return false;
          }
        }}
      >
        <Typography.Paragraph>{deciding?.content}</Typography.Paragraph>
        <ProFormRadio.Group name="outcome" label={t('cw.obj.outcome')} rules={[{ required: true }]}
          options={[{ value: 'upheld', label: t('cw.obj.upheld') }, { value: 'dismissed', label: t('cw.obj.dismissed') }]} />
        <ProFormTextArea name="outcome_note" label={t('cw.obj.note')} placeholder={t('cw.obj.noteHint')} fieldProps={{ maxLength: 500 }} />
      </ModalForm>
    </Drawer>
  );
}
