// Create or edit an employer (单位). Credit codes are checked by the server (GB 32100); its 422
// messages land on the fields.
import {
  ModalForm,
  ProFormDigit,
  ProFormSelect,
  ProFormText,
  ProFormTextArea,
} from '@ant-design/pro-components';
import { App, Form } from 'antd';
import { OrgTreeSelect } from '@/components/org-tree-select';
import { compactBody, diffForPatch } from '@/lib/form-values';
import { useT } from '@/locales';
import { useCreateEmployer, useEmployer, useUpdateEmployer } from '../api/employers';
import { orgsMessages } from '../locales';
import type { Employer, EmployerCreate, EmployerUpdate } from '../types';
import { useCodes } from './codes';
import { submitForm } from './form-submit';
import { GridItem } from './grid-item';
import { LoadingModal } from './loading-modal';

const FIELDS = [
  'name',
  'credit_code',
  'ownership_type',
  'sector',
  'staff_count',
  'women_count',
  'migrant_count',
  'address',
  'legal_representative',
  'contact_phone',
  'township_org_id',
  'union_status',
  'covering_org_id',
  'remark',
] as const satisfies readonly (keyof EmployerUpdate)[];

export function EmployerFormModal({
  editId,
  onClose,
  onDone,
}: {
  editId?: number;
  onClose: () => void;
  onDone: (employer: Employer) => void;
}) {
  const detail = useEmployer(editId);
  if (editId !== undefined && !detail.data) return detail.isError ? null : <LoadingModal onClose={onClose} />;
  return <EmployerForm record={detail.data?.data} etag={detail.data?.etag ?? null} onClose={onClose} onDone={onDone} />;
}

function EmployerForm({
  record,
  etag,
  onClose,
  onDone,
}: {
  record?: Employer;
  etag: string | null;
  onClose: () => void;
  onDone: (employer: Employer) => void;
}) {
  const t = useT(orgsMessages);
  const { message } = App.useApp();
  const codes = useCodes();
  const [form] = Form.useForm<EmployerCreate>();
  const create = useCreateEmployer();
  const update = useUpdateEmployer();
  const initial: Partial<EmployerCreate> = record
    ? (Object.fromEntries(FIELDS.map((f) => [f, record[f] ?? undefined])) as Partial<EmployerCreate>)
    : { union_status: 'not_founded', staff_count: 0 };

  return (
    <ModalForm<EmployerCreate>
      open
      form={form}
      title={record ? t('orgs.employers.editTitle', { name: record.name }) : t('orgs.employers.createTitle')}
      width={760}
      grid
      rowProps={{ gutter: 16 }}
      colProps={{ span: 12 }}
      initialValues={initial}
      modalProps={{ onCancel: onClose, maskClosable: false }}
      onOpenChange={(open) => !open && onClose()}
      submitter={{ searchConfig: { submitText: t('common.save') } }}
      onFinish={(values) =>
        submitForm(
          form,
          () =>
            record
              ? update.mutateAsync({ id: record.id, etag, data: diffForPatch<EmployerUpdate>(initial, values, FIELDS) })
              : create.mutateAsync(compactBody(values)),
          {
            onSuccess: (employer) => {
              void message.success(record ? t('common.saved') : t('orgs.employers.created'));
              onDone(employer);
            },
            notifyError: (text) => void message.error(text),
          },
        )
      }
    >
      <ProFormText name="name" label={t('orgs.employers.name')} rules={[{ required: true, message: t('orgs.form.required') }]} />
      <ProFormText
        name="credit_code"
        label={t('orgs.employers.creditCode')}
        tooltip={t('orgs.employers.creditCodeHint')}
        rules={[{ required: true, message: t('orgs.form.required') }]}
      />
      <ProFormSelect
        name="ownership_type"
        label={t('orgs.employers.ownership')}
        options={codes.options('ownership_types')}
        rules={[{ required: true, message: t('orgs.form.required') }]}
      />
      <ProFormText name="sector" label={t('orgs.employers.sector')} />
      <ProFormDigit
        name="staff_count"
        label={t('orgs.employers.staffCount')}
        min={0}
        fieldProps={{ precision: 0 }}
        rules={[{ required: true, message: t('orgs.form.required') }]}
      />
      <ProFormDigit name="women_count" label={t('orgs.employers.womenCount')} min={0} fieldProps={{ precision: 0 }} />
      <ProFormDigit name="migrant_count" label={t('orgs.employers.migrantCount')} min={0} fieldProps={{ precision: 0 }} />
      <ProFormSelect name="union_status" label={t('orgs.employers.unionStatus')} options={codes.options('union_statuses')} />
      <GridItem name="township_org_id" label={t('orgs.employers.township')}>
        <OrgTreeSelect />
      </GridItem>
      <GridItem name="covering_org_id" label={t('orgs.employers.coveringOrg')} tooltip={t('orgs.employers.coveringOrgHint')}>
        <OrgTreeSelect />
      </GridItem>
      <ProFormText name="legal_representative" label={t('orgs.employers.legalRep')} />
      <ProFormText name="contact_phone" label={t('orgs.employers.phone')} />
      <ProFormText name="address" label={t('orgs.employers.address')} colProps={{ span: 24 }} />
      <ProFormTextArea name="remark" label={t('orgs.field.remark')} colProps={{ span: 24 }} fieldProps={{ rows: 2 }} />
    </ModalForm>
  );
}
