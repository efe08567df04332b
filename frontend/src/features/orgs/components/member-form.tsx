// Register a member or edit one. The server checks the ID number (GB 11643: length, birth date,
// check digit) and answers 422 with `errors.json.id_number`, which lands on that field.
import { ModalForm, ProFormDatePicker, ProFormSelect, ProFormText, ProFormTextArea } from '@ant-design/pro-components';
import { App, Form, Input } from 'antd';
import { OrgTreeSelect } from '@/components/org-tree-select';
import { compactBody, diffForPatch } from '@/lib/form-values';
import { useT } from '@/locales';
import { useCreateMember, useMember, useUpdateMember } from '../api/members';
import { orgsMessages } from '../locales';
import type { Member, MemberCreate, MemberUpdate } from '../types';
import { MEMBER_ORG_TYPES, useCodes } from './codes';
import { EmployerSelect } from './employer-select';
import { submitForm } from './form-submit';
import { GridItem } from './grid-item';
import { LoadingModal } from './loading-modal';

const EDIT_FIELDS = [
  'name',
  'id_number',
  'mobile',
  'employer_id',
  'join_date',
  'employment_type',
  'member_card_status',
  'member_card_number',
  'remark',
] as const satisfies readonly (keyof MemberUpdate)[];

export function MemberFormModal({
  editId,
  defaultOrgId,
  onClose,
  onDone,
}: {
  editId?: number;
  defaultOrgId?: number;
  onClose: () => void;
  onDone: (member: Member) => void;
}) {
  const detail = useMember(editId);
  if (editId !== undefined && !detail.data) return detail.isError ? null : <LoadingModal onClose={onClose} />;
  return (
    <MemberForm
      record={detail.data?.data}
      etag={detail.data?.etag ?? null}
      defaultOrgId={defaultOrgId}
      onClose={onClose}
      onDone={onDone}
    />
  );
}

function MemberForm({
  record,
  etag,
  defaultOrgId,
  onClose,
  onDone,
}: {
  record?: Member;
  etag: string | null;
  defaultOrgId?: number;
  onClose: () => void;
  onDone: (member: Member) => void;
}) {
  const t = useT(orgsMessages);
  const { message } = App.useApp();
  const codes = useCodes();
  const [form] = Form.useForm<MemberCreate>();
  const create = useCreateMember();
  const update = useUpdateMember();
  const initial: Partial<MemberCreate> = record
    ? (Object.fromEntries(EDIT_FIELDS.filter((f) => f !== 'id_number').map((f) => [f, record[f] ?? undefined])) as Partial<MemberCreate>)
    : { org_id: defaultOrgId, employment_type: 'regular', member_card_status: 'not_collected' };

  return (
    <ModalForm<MemberCreate>
      open
      form={form}
      title={record ? t('orgs.members.editTitle', { name: record.name }) : t('orgs.members.createTitle')}
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
              ? update.mutateAsync({ id: record.id, etag, data: diffForPatch<MemberUpdate>(initial, values, EDIT_FIELDS) })
              : create.mutateAsync(compactBody(values)),
          {
            onSuccess: (member) => {
              void message.success(record ? t('common.saved') : t('orgs.members.created', { name: member.name }));
              onDone(member);
            },
            notifyError: (text) => void message.error(text),
          },
        )
      }
    >
      <ProFormText name="name" label={t('orgs.members.name')} rules={[{ required: true, message: t('orgs.form.required') }]} />
      <ProFormText
        name="id_number"
        label={t('orgs.members.idNumber')}
        tooltip={t('orgs.members.idNumberHint')}
        placeholder={record ? t('orgs.members.idNumberKeep', { masked: record.id_number_masked }) : t('orgs.members.idNumberPlaceholder')}
        fieldProps={{ maxLength: 40, autoComplete: 'off' }}
        rules={record ? [] : [{ required: true, message: t('orgs.form.required') }]}
      />
      <ProFormText name="mobile" label={t('orgs.members.mobile')} />
      {record ? (
        <GridItem label={t('orgs.members.org')} tooltip={t('orgs.members.orgChangeHint')}>
          <Input value={record.org_name ?? ''} disabled />
        </GridItem>
      ) : (
        <GridItem name="org_id" label={t('orgs.members.org')} rules={[{ required: true, message: t('orgs.form.required') }]}>
          <OrgTreeSelect data-testid="member-org" selectableTypes={MEMBER_ORG_TYPES} />
        </GridItem>
      )}
      <GridItem name="employer_id" label={t('orgs.members.employer')}>
        <EmployerSelect />
      </GridItem>
      <ProFormDatePicker name="join_date" label={t('orgs.members.joinDate')} fieldProps={{ style: { width: '100%' } }} />
      <ProFormSelect name="employment_type" label={t('orgs.members.employmentType')} options={codes.options('employment_types')} />
      <ProFormSelect name="member_card_status" label={t('orgs.members.cardStatus')} options={codes.options('member_card_statuses')} />
      <ProFormText name="member_card_number" label={t('orgs.members.cardNumber')} />
      <ProFormTextArea name="remark" label={t('orgs.field.remark')} colProps={{ span: 24 }} fieldProps={{ rows: 2 }} />
    </ModalForm>
  );
}
