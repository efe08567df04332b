// Create or edit a union cadre (工会干部): post, term, full-time or not.
import {
  ModalForm,
  ProFormDatePicker,
  ProFormSelect,
  ProFormSwitch,
  ProFormText,
  ProFormTextArea,
} from '@ant-design/pro-components';
import { App, Form } from 'antd';
import { OrgTreeSelect } from '@/components/org-tree-select';
import { compactBody, diffForPatch } from '@/lib/form-values';
import { useT } from '@/locales';
import { useCadre, useCreateCadre, useUpdateCadre } from '../api/cadres';
import { orgsMessages } from '../locales';
import type { Cadre, CadreCreate, CadreUpdate } from '../types';
import { useCodes } from './codes';
import { submitForm } from './form-submit';
import { GridItem } from './grid-item';
import { LoadingModal } from './loading-modal';

const FIELDS = [
  'name',
  'gender',
  'org_id',
  'post',
  'full_time',
  'term_start',
  'term_end',
  'office_phone',
  'mobile',
  'duties',
  'is_current',
] as const satisfies readonly (keyof CadreUpdate)[];

export function CadreFormModal({
  editId,
  defaultOrgId,
  onClose,
  onDone,
}: {
  editId?: number;
  defaultOrgId?: number;
  onClose: () => void;
  onDone: (cadre: Cadre) => void;
}) {
  const detail = useCadre(editId);
  if (editId !== undefined && !detail.data) return detail.isError ? null : <LoadingModal onClose={onClose} />;
  return (
    <CadreForm record={detail.data?.data} etag={detail.data?.etag ?? null} defaultOrgId={defaultOrgId} onClose={onClose} onDone={onDone} />
  );
}

function CadreForm({
  record,
  etag,
  defaultOrgId,
  onClose,
  onDone,
}: {
  record?: Cadre;
  etag: string | null;
  defaultOrgId?: number;
  onClose: () => void;
  onDone: (cadre: Cadre) => void;
}) {
  const t = useT(orgsMessages);
  const { message } = App.useApp();
  const codes = useCodes();
  const [form] = Form.useForm<CadreCreate>();
  const create = useCreateCadre();
  const update = useUpdateCadre();
  const initial: Partial<CadreCreate> = record
    ? (Object.fromEntries(FIELDS.map((f) => [f, record[f] ?? undefined])) as Partial<CadreCreate>)
    : { org_id: defaultOrgId, full_time: false, is_current: true };

  return (
    <ModalForm<CadreCreate>
      open
      form={form}
      title={record ? t('orgs.cadres.editTitle', { name: record.name }) : t('orgs.cadres.createTitle')}
      width={760}
      grid
      rowProps={{ gutter: 16 }}
      colProps={{ span: 12 }}
      initialValues={initial}
      dateFormatter="string"
      modalProps={{ onCancel: onClose, maskClosable: false }}
      onOpenChange={(open) => !open && onClose()}
      submitter={{ searchConfig: { submitText: t('common.save') } }}
      onFinish={(values) =>
        submitForm(
          form,
          () =>
            record
              ? update.mutateAsync({ id: record.id, etag, data: diffForPatch<CadreUpdate>(initial, values, FIELDS) })
              : create.mutateAsync(compactBody(values)),
          {
            onSuccess: (cadre) => {
              void message.success(record ? t('common.saved') : t('orgs.cadres.created', { name: cadre.name }));
              onDone(cadre);
            },
            notifyError: (text) => void message.error(text),
          },
        )
      }
    >
      <ProFormText name="name" label={t('orgs.cadres.name')} rules={[{ required: true, message: t('orgs.form.required') }]} />
      <ProFormSelect name="gender" label={t('orgs.members.gender')} options={codes.options('genders')} />
      <GridItem name="org_id" label={t('orgs.cadres.org')} rules={[{ required: true, message: t('orgs.form.required') }]}>
        <OrgTreeSelect />
      </GridItem>
      <ProFormSelect
        name="post"
        label={t('orgs.cadres.post')}
        options={codes.options('cadre_posts')}
        rules={[{ required: true, message: t('orgs.form.required') }]}
      />
      <ProFormDatePicker name="term_start" label={t('orgs.cadres.termStart')} fieldProps={{ style: { width: '100%' } }} />
      <ProFormDatePicker name="term_end" label={t('orgs.cadres.termEnd')} fieldProps={{ style: { width: '100%' } }} />
      <ProFormText name="mobile" label={t('orgs.members.mobile')} />
      <ProFormText name="office_phone" label={t('orgs.field.officePhone')} />
      <ProFormSwitch name="full_time" label={t('orgs.cadres.fullTime')} colProps={{ span: 6 }} />
      <ProFormSwitch name="is_current" label={t('orgs.cadres.isCurrent')} colProps={{ span: 6 }} />
      <ProFormTextArea name="duties" label={t('orgs.cadres.duties')} colProps={{ span: 24 }} fieldProps={{ rows: 2 }} />
    </ModalForm>
  );
}
