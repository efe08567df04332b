// The lifecycle forms of one household: visit (入户核实 / 回访), review (复核), exit (脱困退档),
// rejection (不予建档) and relief (发放帮扶). Each sends the household's ETag; 422 field errors land
// on their fields, rule refusals (409) are shown as the server words them.
import type { ReactNode } from 'react';
import {
  ModalForm,
  ProFormDatePicker,
  ProFormDigit,
  ProFormSelect,
  ProFormText,
  ProFormTextArea,
} from '@ant-design/pro-components';
import { Alert, App, Form } from 'antd';
import dayjs from 'dayjs';
import { useMe } from '@/lib/access';
import { reportFormError } from '@/lib/form-errors';
import { useT } from '@/locales';
import {
  useCreateRelief,
  useExitHousehold,
  useRecordVisit,
  useRejectHousehold,
  useReviewHousehold,
} from '../api/households';
import { hardshipMessages } from '../locales';
import type { ExitBody, HouseholdDetail, ReliefCreate, ReviewCreate, VisitCreate } from '../types';
import { useHardshipCodes } from './codes';
import { formatYuan, yuanToFen } from './money';

export type ActionKind = 'visit' | 'review' | 'exit' | 'reject' | 'relief';

interface ActionProps {
  household: HouseholdDetail;
  etag: string | null;
  onClose: () => void;
  onDone: () => void;
}

const today = () => dayjs().format('YYYY-MM-DD');

function ActionModal<T extends Record<string, unknown>>({
  title,
  initialValues,
  onFinish,
  children,
  testId,
  onClose,
  width = 620,
}: {
  title: string;
  initialValues: Partial<T>;
  onFinish: (values: T, form: ReturnType<typeof Form.useForm<T>>[0]) => Promise<boolean>;
  children: ReactNode;
  testId: string;
  onClose: () => void;
  width?: number;
}) {
  const [form] = Form.useForm<T>();
  return (
    <ModalForm<T>
      open
      form={form}
      title={title}
      width={width}
      initialValues={initialValues}
      modalProps={{ onCancel: onClose, destroyOnHidden: true, maskClosable: false }}
      onFinish={(values) => onFinish(values, form)}
      data-testid={testId}
    >
      {children}
    </ModalForm>
  );
}

function useSubmit() {
  const { message } = App.useApp();
  return async <R,>(form: Parameters<typeof reportFormError>[0], request: () => Promise<R>, done: (r: R) => void) => {
    try {
      done(await request());
      return true;
    } catch (error) {
      reportFormError(form, error, (text) => void message.error(text));
      return false;
    }
  };
}

export function VisitForm({ household, etag, onClose, onDone }: ActionProps) {
  const t = useT(hardshipMessages);
  const codes = useHardshipCodes();
  const { message } = App.useApp();
  const me = useMe();
  const mutation = useRecordVisit();
  const submit = useSubmit();
  const verification = household.status !== 'filed';
  const required = [{ required: true, message: t('hardship.form.required') }];
  const outcomes = codes.options('visit_outcomes').filter((o) =>
    verification ? o.value !== 'recommend_exit' : ['confirmed', 'changed'].includes(o.value),
  );
  type Values = { visited_on: string; visitors: string; findings: string; outcome: string; income?: number };
  return (
    <ActionModal<Values>
      title={t('hardship.visit.title', { name: household.head_name })}
      testId="visit-form"
      onClose={onClose}
      initialValues={{ visited_on: today(), visitors: me.user.display_name, outcome: 'confirmed' }}
      onFinish={(values, form) =>
        submit(
          form,
          () => {
            const data: VisitCreate = {
              kind: verification ? 'verification' : 'follow_up',
              visited_on: values.visited_on,
              visitors: values.visitors,
              findings: values.findings,
              outcome: values.outcome as VisitCreate['outcome'],
            };
            const fen = yuanToFen(values.income);
            if (fen !== undefined) data.household_income_fen = fen;
            return mutation.mutateAsync({ id: household.id, etag, data });
          },
          () => {
            void message.success(t('hardship.visit.saved'));
            onDone();
          },
        )
      }
    >
      <Alert type="info" showIcon message={t('hardship.visit.photosHint')} style={{ marginBottom: 12 }} />
      <ProFormDatePicker name="visited_on" label={t('hardship.visit.date')} rules={required} width="md" />
      <ProFormText name="visitors" label={t('hardship.visit.visitors')} rules={required} />
      <ProFormTextArea name="findings" label={t('hardship.visit.findings')} rules={required} fieldProps={{ rows: 3 }} />
      <ProFormSelect name="outcome" label={t('hardship.visit.outcome')} options={outcomes} rules={required} width="md" />
      <ProFormDigit
        name="income"
        label={t('hardship.visit.income')}
        tooltip={t('hardship.visit.incomeHint')}
        min={0}
        fieldProps={{ precision: 2 }}
        width="md"
      />
    </ActionModal>
  );
}

export function ReviewForm({ household, etag, onClose, onDone }: ActionProps) {
  const t = useT(hardshipMessages);
  const codes = useHardshipCodes();
  const { message } = App.useApp();
  const me = useMe();
  const mutation = useReviewHousehold();
  const submit = useSubmit();
  const required = [{ required: true, message: t('hardship.form.required') }];
  type Values = {
    visited_on: string;
    visitors: string;
    findings: string;
    income: number;
    causes: string[];
    self_paid_medical?: number;
    employment_status?: string;
    stable_employment_since?: string;
  };
  return (
    <ActionModal<Values>
      title={t('hardship.review.title', { name: household.head_name })}
      testId="review-form"
      width={680}
      onClose={onClose}
      initialValues={{
        visited_on: today(),
        visitors: me.user.display_name,
        income: household.household_income_fen / 100,
        causes: household.causes,
        self_paid_medical: household.self_paid_medical_fen / 100,
        employment_status: household.employment_status,
        stable_employment_since: household.stable_employment_since ?? undefined,
      }}
      onFinish={(values, form) =>
        submit(
          form,
          () => {
            const data: ReviewCreate = {
              visited_on: values.visited_on,
              visitors: values.visitors,
              findings: values.findings,
              household_income_fen: yuanToFen(values.income) ?? 0,
              causes: values.causes as ReviewCreate['causes'],
              self_paid_medical_fen: yuanToFen(values.self_paid_medical) ?? 0,
              employment_status: values.employment_status as ReviewCreate['employment_status'],
              stable_employment_since: values.stable_employment_since || null,
            };
            return mutation.mutateAsync({ id: household.id, etag, data });
          },
          (result) => {
            const exit = result.household.exit_recommended;
            void message[exit ? 'warning' : 'success'](
              t('hardship.review.saved', { result: t(exit ? 'hardship.review.recommendExit' : 'hardship.review.stillEligible') }),
            );
            onDone();
          },
        )
      }
    >
      <Alert type="info" showIcon message={t('hardship.review.hint')} style={{ marginBottom: 12 }} />
      <ProFormDatePicker name="visited_on" label={t('hardship.visit.date')} rules={required} width="md" />
      <ProFormText name="visitors" label={t('hardship.visit.visitors')} rules={required} />
      <ProFormTextArea name="findings" label={t('hardship.visit.findings')} rules={required} fieldProps={{ rows: 3 }} />
      <ProFormDigit
        name="income"
        label={t('hardship.review.income')}
        min={0}
        fieldProps={{ precision: 2 }}
        rules={required}
        width="md"
      />
      <ProFormSelect name="causes" label={t('hardship.field.causes')} mode="multiple" options={codes.options('causes')} rules={required} />
      <ProFormDigit name="self_paid_medical" label={t('hardship.field.medical')} min={0} fieldProps={{ precision: 2 }} width="md" />
      <ProFormSelect name="employment_status" label={t('hardship.field.employmentStatus')} options={codes.options('employment_statuses')} width="md" />
      <ProFormDatePicker name="stable_employment_since" label={t('hardship.field.stableSince')} width="md" />
    </ActionModal>
  );
}

export function ExitForm({ household, etag, onClose, onDone }: ActionProps) {
  const t = useT(hardshipMessages);
  const codes = useHardshipCodes();
  const { message } = App.useApp();
  const mutation = useExitHousehold();
  const submit = useSubmit();
  type Values = { reason: string; exited_on: string; note?: string };
  return (
    <ActionModal<Values>
      title={t('hardship.exit.title', { name: household.head_name })}
      testId="exit-form"
      onClose={onClose}
      initialValues={{ exited_on: today() }}
      onFinish={(values, form) =>
        submit(
          form,
          () => mutation.mutateAsync({ id: household.id, etag, data: { ...values, note: values.note || null } as ExitBody }),
          () => {
            void message.success(t('hardship.exit.done'));
            onDone();
          },
        )
      }
    >
      <Alert type="info" showIcon message={t('hardship.exit.hint')} style={{ marginBottom: 12 }} />
      <ProFormSelect
        name="reason"
        label={t('hardship.exit.reason')}
        options={codes.options('exit_reasons')}
        rules={[{ required: true, message: t('hardship.form.required') }]}
        width="lg"
      />
      <ProFormDatePicker name="exited_on" label={t('hardship.exit.date')} width="md" />
      <ProFormTextArea name="note" label={t('hardship.exit.note')} fieldProps={{ rows: 3, maxLength: 500 }} />
    </ActionModal>
  );
}

export function RejectForm({ household, etag, onClose, onDone }: ActionProps) {
  const t = useT(hardshipMessages);
  const { message } = App.useApp();
  const mutation = useRejectHousehold();
  const submit = useSubmit();
  type Values = { reason: string };
  return (
    <ActionModal<Values>
      title={t('hardship.reject.title', { name: household.head_name })}
      testId="reject-form"
      onClose={onClose}
      initialValues={{}}
      onFinish={(values, form) =>
        submit(form, () => mutation.mutateAsync({ id: household.id, etag, data: values }), () => {
          void message.success(t('hardship.reject.done'));
          onDone();
        })
      }
    >
      <ProFormTextArea
        name="reason"
        label={t('hardship.reject.reason')}
        rules={[{ required: true, message: t('hardship.form.required') }]}
        fieldProps={{ rows: 3, maxLength: 500 }}
      />
    </ActionModal>
  );
}

const EDUCATION = ['education_jinqiu', 'education_yuanmeng'];

export function ReliefForm({ household, onClose, onDone }: ActionProps) {
  const t = useT(hardshipMessages);
  const codes = useHardshipCodes();
  const { message } = App.useApp();
  const mutation = useCreateRelief();
  const submit = useSubmit();
  const exited = household.status === 'exited';
  const kinds = codes
    .options('relief_kinds')
    .filter((o) => !exited || ['major_illness', ...EDUCATION].includes(o.value));
  const students = household.members.filter((m) => m.relation === 'child' || m.school_stage);
  type Values = {
    kind: string;
    amount?: number;
    goods_value?: number;
    goods_description?: string;
    paid_on: string;
    payment_method: string;
    beneficiary_member_id?: number;
    beneficiary_name?: string;
    school_stage?: string;
    note?: string;
  };
  const [form] = Form.useForm<Values>();
  const kind = Form.useWatch('kind', form);
  const method = Form.useWatch('payment_method', form);
  return (
    <ModalForm<Values>
      open
      form={form}
      title={t('hardship.relief.title', { name: household.head_name })}
      width={620}
      initialValues={{ paid_on: today(), payment_method: household.bank_card_masked ? 'bank_card' : 'cash', kind: kinds[0]?.value }}
      modalProps={{ onCancel: onClose, destroyOnHidden: true, maskClosable: false }}
      data-testid="relief-form"
      onFinish={(values) =>
        submit(
          form,
          () => {
            const data: ReliefCreate = {
              kind: values.kind as ReliefCreate['kind'],
              amount_fen: yuanToFen(values.amount) ?? 0,
              goods_value_fen: yuanToFen(values.goods_value) ?? 0,
              goods_description: values.goods_description || null,
              paid_on: values.paid_on,
              payment_method: values.payment_method as ReliefCreate['payment_method'],
              note: values.note || null,
            };
            if (EDUCATION.includes(values.kind)) {
              data.beneficiary_member_id = values.beneficiary_member_id ?? null;
              data.beneficiary_name = values.beneficiary_name || null;
              data.school_stage = (values.school_stage || null) as ReliefCreate['school_stage'];
            }
            return mutation.mutateAsync({ id: household.id, data });
          },
          (relief) => {
            void message.success(
              t('hardship.relief.saved', { kind: codes.label('relief_kinds', relief.kind), amount: t('hardship.yuan', { amount: formatYuan(relief.amount_fen) }) }),
            );
            onDone();
          },
        )
      }
    >
      {exited ? <Alert type="warning" showIcon message={t('hardship.relief.afterExitHint')} style={{ marginBottom: 12 }} /> : null}
      <ProFormSelect name="kind" label={t('hardship.relief.kind')} options={kinds} rules={[{ required: true }]} width="md" />
      <ProFormSelect name="payment_method" label={t('hardship.relief.method')} options={codes.options('payment_methods')} rules={[{ required: true }]} width="md" />
      <ProFormDigit name="amount" label={t('hardship.relief.amount')} min={0} fieldProps={{ precision: 2 }} width="md" rules={[{ required: method !== 'goods', message: t('hardship.form.required') }]} />
      {method === 'goods' ? (
        <>
          <ProFormDigit name="goods_value" label={t('hardship.relief.goodsValue')} min={0} fieldProps={{ precision: 2 }} width="md" />
          <ProFormText name="goods_description" label={t('hardship.relief.goods')} />
        </>
      ) : null}
      <ProFormDatePicker name="paid_on" label={t('hardship.relief.paidOn')} rules={[{ required: true }]} width="md" />
      {EDUCATION.includes(kind) ? (
        <>
          <ProFormSelect
            name="beneficiary_member_id"
            label={t('hardship.relief.student')}
            options={students.map((m) => ({ value: m.id, label: `${m.name}（${codes.label('school_stages', m.school_stage) || codes.label('relations', m.relation)}）` }))}
            allowClear
            width="md"
          />
          <ProFormText name="beneficiary_name" label={t('hardship.relief.studentName')} width="md" />
          <ProFormSelect name="school_stage" label={t('hardship.relief.stage')} options={codes.options('school_stages')} allowClear width="md" />
        </>
      ) : null}
      <ProFormTextArea name="note" label={t('hardship.relief.note')} fieldProps={{ rows: 2, maxLength: 500 }} />
    </ModalForm>
  );
}
