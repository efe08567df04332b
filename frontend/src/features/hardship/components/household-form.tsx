// Apply (职工申请) / nominate (基层工会推荐) a household, or edit an open file. Amounts are typed in
// yuan and sent in fen. The server checks ID numbers, counts the household by the W1-b rule, checks
// a claimed rule against the income and refuses a person already in another open file (409 naming
// the union and the file number): field errors land on their fields.
import {
  ModalForm,
  ProFormDatePicker,
  ProFormDependency,
  ProFormDigit,
  ProFormGroup,
  ProFormList,
  ProFormRadio,
  ProFormSelect,
  ProFormText,
  ProFormTextArea,
} from '@ant-design/pro-components';
import { App, Divider, Form, Typography } from 'antd';
import { OrgTreeSelect } from '@/components/org-tree-select';
import { isApiError } from '@/lib/api-client';
import { type FieldErrorEntry, flattenFieldErrors } from '@/lib/form-errors';
import { useT } from '@/locales';
import { useCreateHousehold, useUpdateHousehold } from '../api/households';
import { hardshipMessages } from '../locales';
import type { HouseholdCreate, HouseholdDetail, HouseholdUpdate } from '../types';
import { useHardshipCodes } from './codes';
import { API_TO_FORM, type FormValues, type MemberValues, toBody } from './household-body';
import { fenToYuan } from './money';

function initialValues(record: HouseholdDetail | undefined, defaultOrgId: number | undefined): Partial<FormValues> {
  if (!record) {
    return { org_id: defaultOrgId, source: 'application', marital_status: 'married', employment_status: 'employed', head_health: 'healthy', causes: [], members: [] };
  }
  return {
    org_id: record.org_id,
    head_name: record.head_name,
    mobile: record.mobile ?? undefined,
    address: record.address ?? undefined,
    employer_name: record.employer_name ?? undefined,
    employment_status: record.employment_status,
    stable_employment_since: record.stable_employment_since ?? undefined,
    marital_status: record.marital_status,
    head_health: record.head_health,
    category: record.category,
    causes: record.causes,
    household_income: fenToYuan(record.household_income_fen),
    self_paid_medical: fenToYuan(record.self_paid_medical_fen),
    disaster_loss: fenToYuan(record.disaster_loss_fen),
    claimed_rule: record.claimed_rule ?? undefined,
    bank_name: record.bank_name ?? undefined,
    remark: record.remark ?? undefined,
    members: record.members.map((m) => ({
      id: m.id,
      name: m.name,
      relation: m.relation,
      id_number_masked: m.id_number_masked,
      marital_status: m.marital_status ?? undefined,
      health: m.health,
      school_stage: m.school_stage ?? undefined,
      monthly_income: fenToYuan(m.monthly_income_fen),
    })),
  };
}

export function HouseholdFormModal({
  record,
  etag,
  defaultOrgId,
  onClose,
  onDone,
}: {
  /** Editing this file; absent for a new application. */
  record?: HouseholdDetail;
  etag?: string | null;
  defaultOrgId?: number;
  onClose: () => void;
  onDone: (household: HouseholdDetail) => void;
}) {
  const t = useT(hardshipMessages);
  const { message } = App.useApp();
  const codes = useHardshipCodes();
  const [form] = Form.useForm<FormValues>();
  const create = useCreateHousehold();
  const update = useUpdateHousehold();
  const editing = record !== undefined;
  const required = [{ required: true, message: t('hardship.form.required') }];

  const submit = async (values: FormValues): Promise<boolean> => {
    try {
      const body = toBody(values, editing);
      const result = editing
        ? await update.mutateAsync({ id: record.id, etag: etag ?? null, data: body as HouseholdUpdate })
        : await create.mutateAsync(body as HouseholdCreate);
      void message.success(
        editing ? t('hardship.form.saved') : t('hardship.form.created', { name: result.head_name, fileNo: result.file_no }),
      );
      onDone(result);
      return true;
    } catch (error) {
      reportErrors(error);
      return false;
    }
  };

  /** 422 field errors, and a 409 "already in an open file" that names a field, go on their fields. */
  const reportErrors = (error: unknown) => {
    if (!isApiError(error) || (error.status !== 422 && error.status !== 409)) return;
    const fieldNames = new Set(Object.keys(form.getFieldsValue(true) as Record<string, unknown>));
    const onFields: FieldErrorEntry[] = [];
    const general: string[] = [];
    for (const entry of flattenFieldErrors(error.errors?.json)) {
      const head = entry.name[0];
      const name = typeof head === 'string' ? (API_TO_FORM[head] ?? head) : head;
      if (typeof name === 'string' && fieldNames.has(name)) onFields.push({ ...entry, name: [name, ...entry.name.slice(1)] });
      else general.push(...entry.errors);
    }
    form.setFields(onFields as Parameters<typeof form.setFields>[0]);
    if (general.length || !onFields.length || error.status === 409) void message.error(general.join('；') || error.message);
  };

  return (
    <ModalForm<FormValues>
      open
      form={form}
      title={editing ? t('hardship.form.editTitle', { name: record.head_name }) : t('hardship.form.applyTitle')}
      width={980}
      initialValues={initialValues(record, defaultOrgId)}
      modalProps={{ onCancel: onClose, destroyOnHidden: true, maskClosable: false }}
      onFinish={submit}
      grid
      rowProps={{ gutter: 12 }}
      data-testid="household-form"
    >
      <Divider orientation="left" plain style={{ margin: '0 0 8px' }}>
        {t('hardship.form.sectionHead')}
      </Divider>
      <ProFormText name="head_name" label={t('hardship.field.headName')} rules={required} colProps={{ span: 6 }} />
      <ProFormText
        name="id_number"
        label={t('hardship.field.idNumber')}
        rules={editing ? [] : required}
        placeholder={editing ? record.head_id_masked : undefined}
        tooltip={t('hardship.form.idHint')}
        colProps={{ span: 6 }}
      />
      <ProFormText name="mobile" label={t('hardship.field.mobile')} colProps={{ span: 6 }} />
      {!editing ? (
        <ProFormRadio.Group
          name="source"
          label={t('hardship.field.source')}
          options={codes.options('sources').filter((o) => o.value !== 'import')}
          colProps={{ span: 6 }}
        />
      ) : (
        <ProFormText name="address" label={t('hardship.field.address')} colProps={{ span: 6 }} />
      )}
      <Form.Item name="org_id" label={t('hardship.field.org')} rules={required} style={{ padding: '0 6px', width: '50%' }}>
        <OrgTreeSelect data-testid="household-form-org" />
      </Form.Item>
      <ProFormText name="employer_name" label={t('hardship.field.employer')} colProps={{ span: 6 }} />
      {!editing ? <ProFormText name="address" label={t('hardship.field.address')} colProps={{ span: 6 }} /> : null}
      <ProFormSelect name="category" label={t('hardship.field.category')} options={codes.options('categories')} rules={required} colProps={{ span: 6 }} />
      <ProFormSelect
        name="causes"
        label={t('hardship.field.causes')}
        mode="multiple"
        options={codes.options('causes')}
        rules={required}
        colProps={{ span: 10 }}
      />
      <ProFormSelect name="employment_status" label={t('hardship.field.employmentStatus')} options={codes.options('employment_statuses')} colProps={{ span: 4 }} />
      <ProFormDatePicker name="stable_employment_since" label={t('hardship.field.stableSince')} colProps={{ span: 4 }} width="100%" />

      <Divider orientation="left" plain style={{ margin: '4px 0 8px' }}>
        {t('hardship.form.sectionFamily')}
      </Divider>
      <ProFormSelect name="marital_status" label={t('hardship.field.marital')} options={codes.options('marital_statuses')} rules={required} colProps={{ span: 4 }} />
      <ProFormSelect name="head_health" label={t('hardship.field.health')} options={codes.options('health')} colProps={{ span: 4 }} />
      <ProFormDigit
        name="household_income"
        label={t('hardship.field.income')}
        tooltip={t('hardship.form.incomeHint')}
        min={0}
        fieldProps={{ precision: 2 }}
        rules={required}
        colProps={{ span: 5 }}
      />
      <ProFormDigit name="self_paid_medical" label={t('hardship.field.medical')} min={0} fieldProps={{ precision: 2 }} colProps={{ span: 5 }} />
      <ProFormDigit name="disaster_loss" label={t('hardship.field.loss')} min={0} fieldProps={{ precision: 2 }} colProps={{ span: 6 }} />
      <ProFormSelect
        name="claimed_rule"
        label={t('hardship.field.claimedRule')}
        tooltip={t('hardship.form.claimedHint')}
        options={codes.options('rules')}
        allowClear
        colProps={{ span: 24 }}
      />
      <Typography.Text type="secondary" style={{ padding: '0 6px 8px', fontSize: 12 }}>
        {t('hardship.members.hint')}
      </Typography.Text>
      <ProFormList<MemberValues>
        name="members"
        label={t('hardship.members.title')}
        creatorButtonProps={{ creatorButtonText: t('hardship.members.add'), 'data-testid': 'member-add' } as never}
        creatorRecord={{ name: '', relation: 'child', health: 'healthy' }}
        colProps={{ span: 24 }}
        itemRender={({ listDom, action }) => (
          <div style={{ display: 'flex', alignItems: 'flex-start', gap: 4 }}>
            <div style={{ flex: 1 }}>{listDom}</div>
            {action}
          </div>
        )}
      >
        <ProFormGroup size={8}>
          <ProFormText name="name" placeholder={t('hardship.members.name')} rules={required} width={100} />
          <ProFormSelect name="relation" placeholder={t('hardship.members.relation')} options={codes.options('relations')} rules={required} width={100} />
          <ProFormDependency name={['id_number_masked']}>
            {({ id_number_masked }) => (
              <ProFormText name="id_number" placeholder={(id_number_masked as string | undefined) ?? t('hardship.members.idNumber')} width={180} />
            )}
          </ProFormDependency>
          <ProFormSelect name="marital_status" placeholder={t('hardship.members.marital')} options={codes.options('marital_statuses')} width={90} />
          <ProFormSelect name="health" placeholder={t('hardship.members.health')} options={codes.options('health')} width={100} />
          <ProFormSelect name="school_stage" placeholder={t('hardship.members.school')} options={codes.options('school_stages')} allowClear width={110} />
          <ProFormDigit name="monthly_income" placeholder={t('hardship.members.income')} min={0} fieldProps={{ precision: 2 }} width={110} />
          <ProFormText name="id" hidden />
          <ProFormText name="id_number_masked" hidden />
        </ProFormGroup>
      </ProFormList>

      <Divider orientation="left" plain style={{ margin: '4px 0 8px' }}>
        {t('hardship.form.sectionBank')}
      </Divider>
      <ProFormText
        name="bank_card"
        label={t('hardship.field.bankCard')}
        placeholder={editing ? (record.bank_card_masked ?? undefined) : undefined}
        tooltip={t('hardship.form.bankHint')}
        colProps={{ span: 8 }}
      />
      <ProFormText name="bank_name" label={t('hardship.field.bankName')} colProps={{ span: 8 }} />
      <ProFormTextArea name="remark" label={t('hardship.field.remark')} colProps={{ span: 24 }} fieldProps={{ rows: 2 }} />
    </ModalForm>
  );
}
