// Create a child org under a parent, or edit one (PATCH with the ETag from its GET).
import {
  ModalForm,
  ProFormDatePicker,
  ProFormDependency,
  ProFormSelect,
  ProFormSwitch,
  ProFormText,
  ProFormTextArea,
} from '@ant-design/pro-components';
import { App, Form, Typography } from 'antd';
import { compactBody, diffForPatch } from '@/lib/form-values';
import { useT } from '@/locales';
import { useCreateOrg, useUpdateOrg } from '../api/orgs';
import { orgsMessages } from '../locales';
import type { Org, OrgCreate, OrgUpdate } from '../types';
import { useCodes } from './codes';
import { EmployerSelect } from './employer-select';
import { submitForm } from './form-submit';
import { GridItem } from './grid-item';

const FIELDS = [
  'name',
  'short_name',
  'org_type',
  'employer_id',
  'approval_number',
  'approval_date',
  'founded_date',
  'reelection_due_date',
  'office_address',
  'office_phone',
  'project_name',
  'project_end_date',
  'is_active',
  'remark',
] as const satisfies readonly (keyof OrgUpdate)[];

type Values = Omit<OrgCreate, 'parent_id'>;

export type OrgFormProps =
  | { mode: 'create'; parent: Org; onClose: () => void; onDone: (org: Org) => void }
  | { mode: 'edit'; org: Org; etag: string | null; onClose: () => void; onDone: (org: Org) => void };

export function OrgForm(props: OrgFormProps) {
  const t = useT(orgsMessages);
  const { message } = App.useApp();
  const codes = useCodes();
  const [form] = Form.useForm<Values>();
  const create = useCreateOrg();
  const update = useUpdateOrg();
  const initial: Partial<Values> = props.mode === 'edit' ? pick(props.org) : { is_active: true };

  return (
    <ModalForm<Values>
      open
      form={form}
      title={props.mode === 'create' ? t('orgs.form.createTitle') : t('orgs.form.editTitle', { name: props.org.name })}
      width={760}
      grid
      rowProps={{ gutter: 16 }}
      colProps={{ span: 12 }}
      initialValues={initial}
      dateFormatter="string"
      modalProps={{ onCancel: props.onClose, maskClosable: false }}
      onOpenChange={(open) => !open && props.onClose()}
      submitter={{ searchConfig: { submitText: t('common.save') } }}
      onFinish={(values) =>
        submitForm(
          form,
          () =>
            props.mode === 'create'
              ? create.mutateAsync({ ...compactBody(values), parent_id: props.parent.id } as OrgCreate)
              : update.mutateAsync({
                  id: props.org.id,
                  etag: props.etag,
                  data: diffForPatch<OrgUpdate>(initial, values, FIELDS),
                }),
          {
            onSuccess: (org) => {
              void message.success(props.mode === 'create' ? t('orgs.form.created') : t('common.saved'));
              props.onDone(org);
            },
            notifyError: (text) => void message.error(text),
          },
        )
      }
    >
      {props.mode === 'create' ? (
        <Typography.Paragraph type="secondary" style={{ width: '100%', paddingInline: 8 }}>
          {t('orgs.form.parentHint', { name: props.parent.name })}
        </Typography.Paragraph>
      ) : null}
      <ProFormText name="name" label={t('orgs.field.name')} rules={[{ required: true, message: t('orgs.form.nameRequired') }]} />
      <ProFormText name="short_name" label={t('orgs.field.shortName')} />
      <ProFormSelect
        name="org_type"
        label={t('orgs.field.orgType')}
        options={codes.options('org_types')}
        rules={[{ required: true, message: t('orgs.form.typeRequired') }]}
      />
      <GridItem name="employer_id" label={t('orgs.field.employer')} tooltip={t('orgs.form.employerHint')}>
        <EmployerSelect />
      </GridItem>
      <ProFormText name="approval_number" label={t('orgs.field.approvalNumber')} />
      <ProFormDatePicker name="approval_date" label={t('orgs.field.approvalDate')} fieldProps={{ style: { width: '100%' } }} />
      <ProFormDatePicker name="founded_date" label={t('orgs.field.foundedDate')} fieldProps={{ style: { width: '100%' } }} />
      <ProFormDatePicker name="reelection_due_date" label={t('orgs.field.reelectionDue')} fieldProps={{ style: { width: '100%' } }} />
      <ProFormText name="office_address" label={t('orgs.field.officeAddress')} />
      <ProFormText name="office_phone" label={t('orgs.field.officePhone')} />
      <ProFormDependency name={['org_type']}>
        {({ org_type }: Partial<Values>) =>
          org_type === 'temporary' ? (
            <>
              <ProFormText name="project_name" label={t('orgs.field.projectName')} colProps={{ span: 12 }} />
              <ProFormDatePicker
                name="project_end_date"
                label={t('orgs.field.projectEndDate')}
                colProps={{ span: 12 }}
                fieldProps={{ style: { width: '100%' } }}
              />
            </>
          ) : null
        }
      </ProFormDependency>
      <ProFormSwitch name="is_active" label={t('orgs.field.isActive')} />
      <ProFormTextArea name="remark" label={t('orgs.field.remark')} colProps={{ span: 24 }} fieldProps={{ rows: 2 }} />
    </ModalForm>
  );
}

function pick(org: Org): Partial<Values> {
  const out: Record<string, unknown> = {};
  for (const field of FIELDS) out[field] = org[field] ?? undefined;
  return out as Partial<Values>;
}
